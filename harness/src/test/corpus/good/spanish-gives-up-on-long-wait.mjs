// Good client: a Spanish chat app that, when the server asks for a wait longer than 60 s in
// Retry-After, does not sleep through it nor retry early: it stops and tells the user the service
// asks to wait. Other Retry-After values are honoured; its own backoff is exponential with jitter.
import { runChat, style, backoff } from '../lib/chat-app.mjs';

const espanol = {
  quota_exhausted: 'Esta aplicación ha agotado su cuota del servicio de IA y tu mensaje no ha recibido respuesta. Volver a intentarlo más tarde no servirá: ponte en contacto con el administrador.',
  request_too_large: 'Tu mensaje es demasiado largo para el límite actual del servicio de IA. Acórtalo o divídelo en varios mensajes.',
  access_denied: 'El acceso al servicio de IA ha sido bloqueado por una regla del cortafuegos (error 1020). Reintentar no servirá: desactiva la VPN o el proxy, o prueba con otra red. Si sigue ocurriendo, contacta con soporte.',
  region_blocked: 'El servicio de IA no está disponible en tu país o región. Reintentar no servirá; si usas una VPN, comprueba por qué país se conecta.',
  authentication_failed: 'El servicio de IA no ha aceptado la clave de API de esta aplicación. Ponte en contacto con el administrador; reintentar no servirá.',
  model_not_found: 'El modelo de IA configurado en esta aplicación no existe o no está disponible para ella. Ponte en contacto con el administrador.',
  invalid_request: 'El servicio de IA ha rechazado la solicitud por no ser válida. Ponte en contacto con el administrador.',
  unavailable: 'El servicio de IA está sobrecargado en este momento. Tu mensaje está guardado; vuelve a intentarlo dentro de unos minutos.',
  asked_to_wait: 'El servicio de IA no está disponible temporalmente y pide esperar antes de volver a intentarlo. Tu mensaje está guardado; inténtalo de nuevo más tarde.',
  rate_limited: 'Estás enviando mensajes demasiado rápido. Tu mensaje está guardado; espera un minuto y vuelve a intentarlo.',
  bad_gateway: 'No se puede contactar con el servicio de IA en este momento (puerta de enlace incorrecta). Tu mensaje está guardado; vuelve a intentarlo dentro de unos minutos.',
  server_error: 'El servicio de IA ha tenido un error temporal. Tu mensaje está guardado; vuelve a intentarlo en un momento.',
  timeout: 'El servicio de IA no ha respondido a tiempo: se agotó el tiempo de espera de la solicitud. Tu mensaje está guardado; vuelve a intentarlo.',
  connection_failure: 'La conexión con el servicio de IA ha fallado. Tu mensaje está guardado; vuelve a intentarlo.',
  interrupted: 'La respuesta se interrumpió antes de terminar. Pulsa «Regenerar» para intentarlo de nuevo.',
  retrying: (failure, seconds) => `El servicio de IA no ha respondido bien. Reintentando en ${seconds} s…`,
  empty_answer: 'El servicio de IA ha enviado una respuesta vacía.',
  fallback: 'El servicio de IA no ha podido responder. Tu mensaje está guardado; vuelve a intentarlo.',
};

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: espanol, absurdRetryAfter: 'give-up' }));
