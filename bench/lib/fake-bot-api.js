// A Telegram Bot API on 127.0.0.1 cheap enough for load tests: it answers every call at once with
// valid JSON, keeps no messages, and notes when each chat got its final reply. (The fake in
// libs/testing keeps every message and call for assertions; under load that would cost more
// than the gateway it serves.)
const http = require('node:http');

// The streaming draft ends with this cursor (libs/agent/src/reply/reply-streamer.ts); the final
// text, sent or edited in by delivery, does not.
const CURSOR = ' ▍';
const BOT = { id: 7000000001, is_bot: true, first_name: 'Switchboard Bench', username: 'switchboard_bench_bot' };
const ME = JSON.stringify({
  ok: true,
  result: { ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false },
});
const TRUE = JSON.stringify({ ok: true, result: true });
const NOT_FOUND = JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' });
const BAD_REQUEST = JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: expected a JSON body' });

/**
 * Starts the fake; `onFinal(chatId, at)` is called once per chat, when the first text without the
 * cursor arrives (`at` is performance.now() on arrival). Later final texts count as `duplicates`.
 */
async function startFakeBotApi({ token, onFinal }) {
  const finals = new Set();
  const calls = {};
  let duplicates = 0;
  let lastMessageId = 0;

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const url = request.url ?? '';
      const method = url.startsWith(`/bot${token}/`) ? url.slice(url.lastIndexOf('/') + 1).split('?')[0] : '';
      calls[method || '(other)'] = (calls[method || '(other)'] ?? 0) + 1;
      let params;
      try {
        params = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        // grammy sends JSON unless it uploads a file, which the pipeline under test never does.
        response.writeHead(400, { 'content-type': 'application/json' }).end(BAD_REQUEST);
        return;
      }
      let body;
      switch (method) {
        case 'getMe':
          body = ME;
          break;
        case 'sendChatAction':
        case 'setWebhook':
        case 'deleteWebhook':
          body = TRUE;
          break;
        case 'sendMessage':
        case 'editMessageText': {
          const chatId = Number(params.chat_id);
          const text = String(params.text ?? '');
          if (!text.endsWith(CURSOR)) {
            if (finals.has(chatId)) duplicates++;
            else {
              finals.add(chatId);
              onFinal(chatId, at);
            }
          }
          const messageId = method === 'sendMessage' ? ++lastMessageId : Number(params.message_id);
          body = JSON.stringify({
            ok: true,
            result: {
              message_id: messageId,
              from: BOT,
              chat: { id: chatId, type: 'private', first_name: 'Bench' },
              date: Math.floor(Date.now() / 1000),
              text,
              ...(method === 'editMessageText' ? { edit_date: Math.floor(Date.now() / 1000) } : {}),
            },
          });
          break;
        }
        default:
          response.writeHead(404, { 'content-type': 'application/json' }).end(NOT_FOUND);
          return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Calls per Bot API method since start (or since the last `resetCounts`). */
    counts: () => ({ ...calls, duplicateFinals: duplicates }),
    resetCounts() {
      for (const name of Object.keys(calls)) delete calls[name];
      duplicates = 0;
    },
    close: () => closeServer(server),
  };
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

module.exports = { startFakeBotApi, closeServer };
