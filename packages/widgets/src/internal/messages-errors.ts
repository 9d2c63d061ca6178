import type { ErrorCode } from '@casekit/protocol';
import { registerDefaults } from '../i18n.ts';

/**
 * What the widgets say for each error code the server answers with, English and Spanish; a
 * code missing here (from a newer server) shows the server's own message. The codes whose reason
 * only the server knows (which file, which field, what clashes) carry it in `{message}`.
 */
const errorMessagesEn = {
  'error.bad_request': '{message}',
  'error.invalid_json': 'The request was not valid JSON.',
  'error.validation_failed': '{message}',
  'error.invalid_cursor': 'The list changed; reload it and try again.',
  'error.invalid_transition': 'The case cannot move to that status from its current one.',
  'error.unauthorized': 'Your session has ended. Sign in again.',
  'error.forbidden': 'Your role does not allow this.',
  'error.agent_deactivated': 'This account has been deactivated. Ask an admin to reactivate it.',
  'error.not_found': '{message}',
  'error.wrong_path': 'casekit is not at this address; check the path it is mounted under.',
  'error.version_conflict': 'Someone else changed this at the same time. Reload and try again.',
  'error.conflict': '{message}',
  'error.reply_window_closed': 'The reply window of this channel has closed: only an approved template can be sent.',
  'error.unreachable_customer': 'The customer has no address this channel can reach.',
  'error.payload_too_large': 'This is too large to send.',
  'error.unsupported_media_type': 'This type of file or content is not accepted.',
  'error.rate_limited': 'Too many attempts. Wait a moment and try again.',
  'error.internal': 'Something went wrong on the server. Try again in a moment.',
  'error.unavailable': 'The server could not be reached. Check the connection and try again.',
} satisfies Record<`error.${ErrorCode}`, string>;

/** Keys of the error strings: `error.<code>` for every error code. */
export type ErrorMessageKey = keyof typeof errorMessagesEn;

const errorMessagesEs: Record<ErrorMessageKey, string> = {
  'error.bad_request': 'La solicitud no era válida ({message})',
  'error.invalid_json': 'La solicitud no era JSON válido.',
  'error.validation_failed': 'Algunos de los valores no son válidos ({message})',
  'error.invalid_cursor': 'La lista ha cambiado; recárgala e inténtalo de nuevo.',
  'error.invalid_transition': 'El caso no puede pasar a ese estado desde el actual.',
  'error.unauthorized': 'Tu sesión ha terminado. Vuelve a iniciar sesión.',
  'error.forbidden': 'Tu rol no permite hacer esto.',
  'error.agent_deactivated': 'Esta cuenta está desactivada. Pide a un administrador que la reactive.',
  'error.not_found': 'No se encontró ({message})',
  'error.wrong_path': 'casekit no está en esta dirección; comprueba la ruta en la que está montado.',
  'error.version_conflict': 'Otra persona lo cambió a la vez. Recarga e inténtalo de nuevo.',
  'error.conflict': 'No es posible ahora ({message})',
  'error.reply_window_closed': 'La ventana de respuesta de este canal se ha cerrado: solo se puede enviar una plantilla aprobada.',
  'error.unreachable_customer': 'El cliente no tiene ninguna dirección a la que llegue este canal.',
  'error.payload_too_large': 'Es demasiado grande para enviarlo.',
  'error.unsupported_media_type': 'No se acepta este tipo de archivo o contenido.',
  'error.rate_limited': 'Demasiados intentos. Espera un momento e inténtalo de nuevo.',
  'error.internal': 'Algo falló en el servidor. Inténtalo de nuevo en un momento.',
  'error.unavailable': 'No se pudo conectar con el servidor. Comprueba la conexión e inténtalo de nuevo.',
};

registerDefaults('en', errorMessagesEn);
registerDefaults('es', errorMessagesEs);
