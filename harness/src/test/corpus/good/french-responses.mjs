// Good client: a French chat app on the Responses API (POST /v1/responses, streamed events parsed by
// hand when asked to stream). Exponential backoff with jitter; every message in French.
import { runChat, style, backoff } from '../lib/chat-app.mjs';

const francais = {
  quota_exhausted: 'Cette application a épuisé son quota auprès du service d\'IA : votre message n\'a pas reçu de réponse. Réessayer plus tard n\'y changera rien ; contactez l\'administrateur.',
  request_too_large: 'Votre message est trop long pour la limite actuelle du service d\'IA. Raccourcissez-le ou découpez-le en plusieurs messages.',
  access_denied: 'L\'accès au service d\'IA a été bloqué par une règle de pare-feu (erreur 1020). Réessayer ne servira à rien : désactivez votre VPN ou votre proxy, ou essayez un autre réseau. Si le problème persiste, contactez le support.',
  region_blocked: 'Le service d\'IA n\'est pas disponible dans votre pays ou votre région. Réessayer ne servira à rien ; si vous utilisez un VPN, vérifiez par quel pays il passe.',
  authentication_failed: 'Le service d\'IA a refusé la clé d\'API de cette application. Contactez l\'administrateur ; réessayer ne servira à rien.',
  model_not_found: 'Le modèle d\'IA configuré pour cette application n\'existe pas ou ne lui est pas accessible. Contactez l\'administrateur.',
  invalid_request: 'Le service d\'IA a refusé la requête comme invalide. Contactez l\'administrateur.',
  unavailable: 'Le service d\'IA est surchargé pour le moment. Votre message est conservé ; réessayez dans quelques minutes.',
  asked_to_wait: 'Le service d\'IA est temporairement indisponible et demande de patienter. Votre message est conservé ; réessayez plus tard.',
  rate_limited: 'Vous envoyez des messages trop vite. Votre message est conservé ; attendez une minute puis réessayez.',
  bad_gateway: 'Le service d\'IA est injoignable pour le moment (mauvaise passerelle). Votre message est conservé ; réessayez dans quelques minutes.',
  server_error: 'Le service d\'IA a rencontré une erreur temporaire. Votre message est conservé ; réessayez dans un instant.',
  timeout: 'Le service d\'IA n\'a pas répondu à temps : la requête a expiré. Votre message est conservé ; réessayez.',
  connection_failure: 'La connexion au service d\'IA a échoué. Votre message est conservé ; réessayez.',
  interrupted: 'La réponse a été interrompue avant la fin. Appuyez sur « Régénérer » pour réessayer.',
  retrying: (failure, seconds) => `Le service d'IA n'a pas répondu correctement. Nouvel essai dans ${seconds} s…`,
  empty_answer: 'Le service d\'IA a envoyé une réponse vide.',
  fallback: 'Le service d\'IA n\'a pas pu répondre. Votre message est conservé ; réessayez.',
};

await runChat(style({ api: 'responses', backoff: () => backoff.exponential(500, 8000), messages: francais }));
