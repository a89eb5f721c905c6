import { Controller, Get, Header } from '@nestjs/common';

// Markup and the web chat's stylesheet only: no script, nothing from elsewhere.
const CSP = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

const LANDING_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/chat/webchat.css">
</head>
<body>
<main class="landing">
  <h1>Switchboard</h1>
  <p>A self-hosted AI messaging gateway: this server connects an AI model to chat platforms.</p>
  <ul>
    <li><a class="card" href="/chat"><strong>Web chat</strong><span>Talk to the agent in the browser (sign in with the gateway token).</span></a></li>
    <li><a class="card" href="/admin/"><strong>Admin console</strong><span>Manage the gateway in the browser.</span></a></li>
    <li><a class="card" href="/ready"><strong>Readiness</strong><span>Whether the database and the queue answer (JSON).</span></a></li>
  </ul>
</main>
</body>
</html>
`;

/** `GET /`: a small page that leads to what a browser can use here. */
@Controller()
export class LandingController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return LANDING_HTML;
  }
}
