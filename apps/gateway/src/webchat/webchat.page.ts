/** The web chat page (`GET /chat`): markup only; behaviour in webchat.script.ts, looks in webchat.styles.ts. */
export const WEBCHAT_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard WebChat</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/chat/webchat.css">
<script src="/chat/webchat.js" defer></script>
</head>
<body>
<header class="bar">
  <h1>Switchboard WebChat</h1>
  <span id="status" class="status" data-state="offline">not connected</span>
  <button id="signout" type="button" hidden>Sign out</button>
</header>
<p id="error" class="error" role="alert" hidden></p>

<form id="login" class="login" autocomplete="off">
  <label for="token">Gateway token</label>
  <input id="token" name="token" type="password" required>
  <button type="submit">Connect</button>
  <p class="hint">The gateway token (GATEWAY_TOKEN). Without one, the gateway made a token at its first start: open the sign-in link it prints, or copy the token from the file <code>gateway-token</code> in its data directory.</p>
  <p class="hint">The token stays in this tab (sessionStorage) and is sent only to this gateway.</p>
</form>

<main id="app" class="app" hidden>
  <nav class="sessions" aria-label="Sessions">
    <button id="new-chat" type="button">New chat</button>
    <ul id="session-list"></ul>
  </nav>
  <section class="chat" aria-label="Conversation">
    <h2 id="session-title">No session</h2>
    <ol id="messages" class="messages" aria-live="polite"></ol>
    <form id="composer" class="composer" autocomplete="off">
      <textarea id="message" name="message" rows="3" placeholder="Message"></textarea>
      <ul id="attachments" class="attachments"></ul>
      <div class="actions">
        <label class="file">Attach<input id="file" type="file" multiple accept="image/png,image/jpeg,image/gif,image/webp"></label>
        <button id="abort" type="button" hidden>Abort</button>
        <button id="send" type="submit">Send</button>
      </div>
    </form>
  </section>
</main>
</body>
</html>
`;
