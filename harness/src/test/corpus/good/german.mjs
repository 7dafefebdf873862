// Good client: a German chat app. Exponential backoff with jitter (about 0.5 s, 1 s), every message
// the user sees in German, "Erneut versuchen" wording included where retrying would not help.
import { runChat, style, backoff } from '../lib/chat-app.mjs';

const deutsch = {
  quota_exhausted: 'Das Kontingent dieser App beim KI-Dienst ist aufgebraucht, deine Nachricht wurde nicht beantwortet. Später erneut zu versuchen hilft nicht: Bitte wende dich an den Administrator.',
  request_too_large: 'Deine Nachricht ist für das aktuelle Limit des KI-Dienstes zu lang. Bitte kürze sie oder teile sie in mehrere Nachrichten auf.',
  access_denied: 'Der Zugriff auf den KI-Dienst wurde von einer Firewall-Regel blockiert (Fehler 1020). Erneutes Versuchen hilft nicht: Schalte VPN oder Proxy aus oder versuche es über ein anderes Netzwerk. Wenn es so bleibt, wende dich an den Support.',
  region_blocked: 'Der KI-Dienst ist in deinem Land oder deiner Region nicht verfügbar. Erneutes Versuchen hilft nicht; wenn du ein VPN nutzt, prüfe, über welches Land es verbindet.',
  authentication_failed: 'Der KI-Dienst hat den API-Schlüssel dieser App nicht akzeptiert. Bitte wende dich an den Administrator; erneutes Versuchen hilft nicht.',
  model_not_found: 'Das KI-Modell, für das diese App eingerichtet ist, existiert nicht oder steht ihr nicht zur Verfügung. Bitte wende dich an den Administrator.',
  invalid_request: 'Der KI-Dienst hat die Anfrage als ungültig abgelehnt. Bitte wende dich an den Administrator.',
  unavailable: 'Der KI-Dienst ist gerade überlastet. Deine Nachricht ist gespeichert; bitte versuche es in ein paar Minuten noch einmal.',
  asked_to_wait: 'Der KI-Dienst ist vorübergehend nicht verfügbar und bittet darum, zu warten. Deine Nachricht ist gespeichert; bitte versuche es später noch einmal.',
  rate_limited: 'Du sendest Nachrichten zu schnell. Deine Nachricht ist gespeichert; bitte warte eine Minute und versuche es dann noch einmal.',
  bad_gateway: 'Der KI-Dienst ist gerade nicht erreichbar (Bad Gateway). Deine Nachricht ist gespeichert; bitte versuche es in ein paar Minuten noch einmal.',
  server_error: 'Beim KI-Dienst ist ein vorübergehender Fehler aufgetreten. Deine Nachricht ist gespeichert; bitte versuche es gleich noch einmal.',
  timeout: 'Der KI-Dienst hat nicht rechtzeitig geantwortet: Zeitüberschreitung der Anfrage. Deine Nachricht ist gespeichert; bitte versuche es noch einmal.',
  connection_failure: 'Die Verbindung zum KI-Dienst ist fehlgeschlagen. Deine Nachricht ist gespeichert; bitte versuche es noch einmal.',
  interrupted: 'Die Antwort wurde unterbrochen, bevor sie fertig war. Tippe auf „Neu generieren“, um es noch einmal zu versuchen.',
  retrying: (failure, seconds) => `Der KI-Dienst hat nicht richtig geantwortet. Neuer Versuch in ${seconds} s …`,
  empty_answer: 'Der KI-Dienst hat eine leere Antwort geschickt.',
  fallback: 'Der KI-Dienst konnte nicht antworten. Deine Nachricht ist gespeichert; bitte versuche es noch einmal.',
};

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: deutsch, retryNotices: true }));
