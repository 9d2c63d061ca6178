import { registerDefaults } from '../i18n.ts';

/**
 * Strings of the file picker (chips and refusals), English and Spanish. The chat loads them with
 * the picker, so they fill in around anything a host registered before.
 */
const attachMessagesEn = {
  'attach.files': 'Files to send',
  'attach.remove': 'Remove {name}',
  'attach.uploading': 'Uploading… {percent}%',
  'attach.failed': 'Not uploaded',
  'attach.error.type': '{name} cannot be sent: only {types} files are accepted.',
  'attach.error.size': '{name} is too large to send: the limit is {max}.',
  'attach.error.upload': '{name} could not be uploaded: {message}',
};

/** Keys of the file picker's strings. */
export type AttachMessageKey = keyof typeof attachMessagesEn;

const attachMessagesEs: Record<AttachMessageKey, string> = {
  'attach.files': 'Archivos para enviar',
  'attach.remove': 'Quitar {name}',
  'attach.uploading': 'Subiendo… {percent} %',
  'attach.failed': 'No se subió',
  'attach.error.type': 'No se puede enviar {name}: solo se aceptan archivos {types}.',
  'attach.error.size': '{name} es demasiado grande: el límite es {max}.',
  'attach.error.upload': 'No se pudo subir {name}: {message}',
};

registerDefaults('en', attachMessagesEn);
registerDefaults('es', attachMessagesEs);
