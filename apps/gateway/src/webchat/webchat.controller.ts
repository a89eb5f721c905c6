import { Controller, Get, Header } from '@nestjs/common';
import { WEBCHAT_CSS } from './webchat.styles';
import { WEBCHAT_HTML } from './webchat.page';
import { WEBCHAT_JS } from './webchat.script';

// The page runs only its own script and talks only to its own origin (the control plane on `/`).
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /chat`: a small web chat over the control plane. The assets are TypeScript string
 * constants so that `tsc` ships them; the token is typed in the browser, never served.
 */
@Controller('chat')
export class WebChatController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return WEBCHAT_HTML;
  }

  @Get('webchat.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return WEBCHAT_JS;
  }

  @Get('webchat.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  styles(): string {
    return WEBCHAT_CSS;
  }
}
