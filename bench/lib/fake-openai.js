// An OpenAI-compatible Chat Completions endpoint on 127.0.0.1 that costs next to nothing: every
// streamed request gets the same prepared answer (one text chunk, the finish reason, usage, [DONE])
// at once. The request body is read but not parsed.
const http = require('node:http');
const { closeServer } = require('./fake-bot-api');

const MODEL = 'fake-model';
const REPLY = 'Hello from the fake model.';

function frame(choices, usage = null) {
  const chunk = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_763_712_000, model: MODEL, choices, usage };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const STREAM = Buffer.from(
  frame([{ index: 0, delta: { role: 'assistant', content: REPLY }, logprobs: null, finish_reason: null }]) +
    frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) +
    frame([], { prompt_tokens: 24, completion_tokens: 6, total_tokens: 30 }) +
    'data: [DONE]\n\n',
);
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_763_712_000,
  model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: REPLY, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 24, completion_tokens: 6, total_tokens: 30 },
});
const MODELS = JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created: 1_700_000_000, owned_by: 'bench' }] });

/** Starts the fake; its base URL (`.../v1`) goes into OPENAI_BASE_URL. */
async function startFakeOpenAi() {
  let requests = 0;
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const streamed = Buffer.concat(chunks).includes('"stream":true');
      if (request.method === 'GET' && request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(MODELS);
      } else if (request.method === 'POST' && request.url === '/v1/chat/completions') {
        requests++;
        if (streamed) response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end(STREAM);
        else response.writeHead(200, { 'content-type': 'application/json' }).end(COMPLETION);
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    model: MODEL,
    requests: () => requests,
    close: () => closeServer(server),
  };
}

module.exports = { startFakeOpenAi };
