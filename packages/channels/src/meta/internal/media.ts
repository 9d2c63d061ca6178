const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

/** The media type without parameters (`audio/ogg; codecs=opus` → `audio/ogg`), lower case. */
export function bareMediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** A file name for media the provider sends without one: `image.jpg`, `audio.ogg`, `document`. */
export function nameForMedia(kind: string, contentType: string | undefined): string {
  const extension = contentType ? EXTENSIONS[bareMediaType(contentType)] : undefined;
  return extension ? `${kind}.${extension}` : kind;
}

const BY_EXTENSION: Record<string, string> = Object.fromEntries(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type]));
BY_EXTENSION.jpeg = 'image/jpeg';
BY_EXTENSION.mov = 'video/quicktime';

/** The last path segment of a URL and the media type its extension names, when it has one. */
export function fileOfUrl(url: string): { name: string | undefined; contentType: string | undefined } {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return { name: undefined, contentType: undefined };
  }
  const name = decodeSegment(path.slice(path.lastIndexOf('/') + 1)) || undefined;
  const extension = name?.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : undefined;
  return { name, contentType: extension ? BY_EXTENSION[extension] : undefined };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
