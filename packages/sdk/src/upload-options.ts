/** Options of `uploadAttachment`. */
export interface UploadOptions {
  /** Called as bytes go out (in browsers with XMLHttpRequest); `total` is the file's size. */
  onProgress?: (sent: number, total: number) => void;
  /** The file's type when the Blob has none (`file.type` otherwise). */
  contentType?: string;
  signal?: AbortSignal;
}
