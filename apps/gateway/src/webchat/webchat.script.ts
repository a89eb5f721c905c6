import { renderMarkdown } from './webchat.markdown';

/**
 * The web chat's browser script (plain ES2020, no build step): the OpenClaw handshake with the
 * gateway token, then sessions.list, chat.history, chat.send, chat.abort and the `chat` events.
 * What the user typed goes through textContent; replies go through renderMarkdown (embedded
 * below), which escapes all of the text before it adds its own markup.
 * It is a template literal: apart from that one embedding, the script must not use backticks or
 * dollar-brace.
 */
export const WEBCHAT_JS = `'use strict';
(function () {
  var renderMarkdown = ${renderMarkdown.toString()};
  var TOKEN_KEY = 'switchboard.webchat.token';
  var TOKEN_HINT = 'Use the gateway token (GATEWAY_TOKEN), or the sign-in link the gateway printed when it started (without GATEWAY_TOKEN it keeps its token in gateway-token in its data directory).';
  // What chat.send takes: the image formats models read.
  var IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  var ws = null;
  var nextId = 1;
  var pending = new Map();
  var connected = false;
  var maxPayload = 1024 * 1024;
  var sessionKey = null;
  var runs = new Map(); // runId -> { node, textNode, metaNode, text }
  var attachments = [];

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function showError(message) {
    var box = $('error');
    box.textContent = message;
    box.hidden = !message;
  }

  function describe(error) {
    if (!error) return 'unknown error';
    var text = error.message || String(error);
    if (error.code) text = error.code + ': ' + text;
    return text;
  }

  function setStatus(state, text) {
    var status = $('status');
    status.dataset.state = state;
    status.textContent = text;
  }

  // ---- transport ----
  function request(method, params) {
    return new Promise(function (resolve, reject) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return reject(new Error('not connected to the gateway'));
      var id = String(nextId++);
      pending.set(id, { resolve: resolve, reject: reject });
      ws.send(JSON.stringify({ type: 'req', id: id, method: method, params: params }));
    });
  }

  function connect(token) {
    showError('');
    setStatus('connecting', 'connecting…');
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
    if (ws) ws.close(); // signing in again (a new link): the old connection goes
    var socket = new WebSocket(url);
    ws = socket;
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === 'event' && frame.event === 'connect.challenge') return handshake(token);
      if (frame.type === 'res') {
        var waiter = pending.get(frame.id);
        if (!waiter) return;
        pending.delete(frame.id);
        if (frame.ok) waiter.resolve(frame.payload); else waiter.reject(frame.error || { message: 'request failed' });
        return;
      }
      if (frame.type === 'event' && frame.event === 'chat') onChatEvent(frame.payload || {});
    };
    socket.onclose = function (event) {
      if (ws !== socket) return;
      connected = false;
      pending.forEach(function (waiter) { waiter.reject(new Error('connection closed')); });
      pending.clear();
      setStatus('offline', 'disconnected' + (event.reason ? ' (' + event.reason + ')' : ''));
      updateAbort();
    };
  }

  function handshake(token) {
    request('connect', {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'switchboard-webchat', version: '1', platform: navigator.platform || 'web', mode: 'webchat', displayName: 'WebChat' },
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
      auth: { token: token },
      userAgent: navigator.userAgent.slice(0, 512),
    }).then(function (hello) {
      connected = true;
      if (hello && hello.policy && hello.policy.maxPayload) maxPayload = hello.policy.maxPayload;
      setStatus('online', 'connected');
      $('login').hidden = true;
      $('app').hidden = false;
      $('signout').hidden = false;
      var main = hello && hello.snapshot && hello.snapshot.sessionDefaults && hello.snapshot.sessionDefaults.mainSessionKey;
      return loadSessions().then(function (sessions) {
        if (!sessionKey) selectSession(sessions.length ? sessions[0].key : (main || 'main'));
      });
    }).catch(function (error) {
      var detail = error && error.details && error.details.code;
      var refused = detail === 'AUTH_TOKEN_MISMATCH' || detail === 'AUTH_TOKEN_MISSING';
      if (refused) sessionStorage.removeItem(TOKEN_KEY);
      showError('Could not connect: ' + describe(error) + (refused ? '. ' + TOKEN_HINT : ''));
      $('login').hidden = false;
      $('app').hidden = true;
    });
  }

  // ---- sessions ----
  function isWebchat(session) { return session.channel === 'webchat'; }

  function loadSessions() {
    return request('sessions.list', { limit: 100 }).then(function (page) {
      var sessions = (page.sessions || []).slice().sort(function (a, b) {
        if (isWebchat(a) !== isWebchat(b)) return isWebchat(a) ? -1 : 1;
        return (b.updatedAt || 0) - (a.updatedAt || 0);
      });
      renderSessions(sessions);
      return sessions;
    }).catch(function (error) {
      showError('Could not list sessions: ' + describe(error));
      return [];
    });
  }

  function renderSessions(sessions) {
    var list = $('session-list');
    list.replaceChildren();
    var keys = sessions.map(function (s) { return s.key; });
    if (sessionKey && keys.indexOf(sessionKey) < 0) sessions = [{ key: sessionKey, channel: 'webchat' }].concat(sessions);
    sessions.forEach(function (session) {
      var item = el('li');
      var button = el('button', isWebchat(session) ? 'webchat' : 'other', session.key);
      button.type = 'button';
      button.title = session.key;
      button.dataset.key = session.key;
      if (session.key === sessionKey) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', function () { selectSession(session.key); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function markCurrent() {
    Array.prototype.forEach.call($('session-list').querySelectorAll('button'), function (button) {
      if (button.dataset.key === sessionKey) button.setAttribute('aria-current', 'true'); else button.removeAttribute('aria-current');
    });
  }

  function selectSession(key) {
    sessionKey = key;
    runs.clear();
    $('session-title').textContent = key;
    $('messages').replaceChildren();
    markCurrent();
    updateAbort();
    return request('chat.history', { sessionKey: key, limit: 200 }).then(function (history) {
      if (sessionKey !== key) return;
      if (history.sessionKey && history.sessionKey !== key) {
        sessionKey = history.sessionKey;
        $('session-title').textContent = sessionKey;
        markCurrent();
      }
      (history.messages || []).forEach(function (message) {
        addMessage(message.role, textOf(message), message.senderName);
      });
    }).catch(function (error) { showError('Could not load the history: ' + describe(error)); });
  }

  function newChat() {
    var name = 'chat-' + new Date().toISOString().slice(0, 10) + '-' + randomId().slice(0, 6);
    // A bare name: the gateway answers with the full key of this agent's web chat.
    selectSession(name).then(loadSessions);
  }

  // ---- messages ----
  function textOf(message) {
    if (!message) return '';
    if (typeof message.content === 'string') return message.content;
    return (message.content || []).map(function (part) { return part && part.type === 'text' ? part.text : ''; }).join('');
  }

  // A reply is Markdown (rendered from escaped text); a user's message is shown as typed.
  function showText(node, role, text) {
    if (role === 'user') node.textContent = text; else node.innerHTML = renderMarkdown(text);
  }

  function addMessage(role, text, meta) {
    var item = el('li', 'msg ' + (role === 'user' ? 'user' : 'assistant'));
    item.dataset.role = role;
    var metaNode = el('span', 'meta', meta || role);
    var textNode = el('div', role === 'user' ? 'text' : 'text md');
    showText(textNode, role, text);
    item.appendChild(metaNode);
    item.appendChild(textNode);
    $('messages').appendChild(item);
    item.scrollIntoView({ block: 'end' });
    return { node: item, textNode: textNode, metaNode: metaNode, text: text };
  }

  function runBubble(runId) {
    var run = runs.get(runId);
    if (!run) {
      run = addMessage('assistant', '', 'assistant · streaming');
      run.node.dataset.runId = runId;
      run.node.dataset.state = 'streaming';
      runs.set(runId, run);
    }
    return run;
  }

  function onChatEvent(event) {
    if (!sessionKey || event.sessionKey !== sessionKey || !event.runId) return;
    var run = runBubble(event.runId);
    if (event.state === 'delta') {
      if (run.node.dataset.state !== 'streaming') return;
      run.text += event.deltaText || '';
      showText(run.textNode, 'assistant', run.text);
      run.node.scrollIntoView({ block: 'end' });
      return;
    }
    run.node.dataset.state = event.state;
    if (event.message) {
      run.text = textOf(event.message);
      showText(run.textNode, 'assistant', run.text);
    }
    if (event.state === 'final') run.metaNode.textContent = 'assistant';
    else if (event.state === 'aborted') run.metaNode.textContent = 'assistant · aborted';
    else if (event.state === 'error') run.metaNode.textContent = 'assistant · error: ' + (event.errorMessage || 'the run failed');
    updateAbort();
    loadSessions();
  }

  function activeRunIds() {
    var ids = [];
    runs.forEach(function (run, id) { if (run.node.dataset.state === 'streaming') ids.push(id); });
    return ids;
  }

  function updateAbort() {
    $('abort').hidden = !(connected && activeRunIds().length > 0);
  }

  function send(event) {
    event.preventDefault();
    if (!sessionKey) return;
    showError('');
    var text = $('message').value;
    var key = sessionKey;
    var runId = randomId();
    var params = { sessionKey: key, message: text, idempotencyKey: runId };
    if (attachments.length) {
      params.attachments = attachments.map(function (file) {
        return { type: 'image', mimeType: file.mimeType, fileName: file.fileName, content: file.content };
      });
    }
    if (JSON.stringify(params).length > maxPayload - 1024) {
      showError('The message and its attachments are larger than the gateway accepts (' + maxPayload + ' bytes).');
      return;
    }
    $('send').disabled = true;
    request('chat.send', params).then(function () {
      if (sessionKey !== key) return;
      addMessage('user', text, 'you' + (attachments.length ? ' · ' + attachments.length + ' attachment(s)' : ''));
      // The reply goes below the message, even when its first delta came before this answer.
      var early = runs.get(runId);
      if (early) $('messages').appendChild(early.node); else runBubble(runId);
      $('message').value = '';
      attachments = [];
      renderAttachments();
      updateAbort();
    }).catch(function (error) {
      showError('The gateway refused the message: ' + describe(error));
    }).then(function () { $('send').disabled = false; });
  }

  function abort() {
    var ids = activeRunIds();
    if (!sessionKey || ids.length === 0) return;
    request('chat.abort', { sessionKey: sessionKey }).catch(function (error) {
      showError('Could not abort: ' + describe(error));
    });
  }

  // ---- attachments ----
  function renderAttachments() {
    var list = $('attachments');
    list.replaceChildren();
    attachments.forEach(function (file, index) {
      var item = el('li', 'attachment', file.fileName + ' (' + Math.ceil(file.size / 1024) + ' KiB)');
      var remove = el('button', '', '×');
      remove.type = 'button';
      remove.title = 'Remove ' + file.fileName;
      remove.addEventListener('click', function () {
        attachments.splice(index, 1);
        renderAttachments();
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var url = String(reader.result);
        resolve({ fileName: file.name, mimeType: file.type, size: file.size, content: url.slice(url.indexOf(',') + 1) });
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  // A file travels as base64 (4/3 of its size) in one frame of at most maxPayload bytes.
  function maxFileBytes() {
    return Math.floor(((maxPayload - 4096) * 3) / 4);
  }

  function pickFiles() {
    var input = $('file');
    var files = Array.from(input.files || []);
    input.value = '';
    var refused = [];
    var limit = maxFileBytes();
    var accepted = files.filter(function (file) {
      var kindOk = IMAGE_TYPES.indexOf(file.type) >= 0;
      if (!kindOk) refused.push(file.name + ': only PNG, JPEG, GIF and WebP images');
      else if (file.size > limit) refused.push(file.name + ': larger than ' + Math.floor(limit / 1024) + ' KiB');
      return kindOk && file.size <= limit;
    });
    showError(refused.length ? 'Not attached: ' + refused.join('; ') : '');
    Promise.all(accepted.map(readFile)).then(function (read) {
      attachments = attachments.concat(read);
      renderAttachments();
    }).catch(function (error) { showError('Could not read the file: ' + describe(error)); });
  }

  // A sign-in link (/chat#token=...): the fragment never reaches the server. The token is kept for
  // this tab and taken out of the address bar and the history.
  function tokenFromLink() {
    var match = /^#token=(.+)$/.exec(location.hash);
    if (!match) return null;
    history.replaceState(null, '', location.pathname + location.search);
    try {
      var token = decodeURIComponent(match[1]);
      sessionStorage.setItem(TOKEN_KEY, token);
      return token;
    } catch (e) {
      showError('The sign-in link is damaged: copy it again.');
      return null;
    }
  }

  // ---- start ----
  document.addEventListener('DOMContentLoaded', function () {
    $('login').addEventListener('submit', function (event) {
      event.preventDefault();
      var token = $('token').value;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token').value = '';
      connect(token);
    });
    $('signout').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      location.reload();
    });
    $('composer').addEventListener('submit', send);
    $('message').addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        $('composer').requestSubmit();
      }
    });
    $('abort').addEventListener('click', abort);
    $('new-chat').addEventListener('click', newChat);
    $('file').addEventListener('change', pickFiles);
    // Also when the link is opened in a tab already on this page.
    window.addEventListener('hashchange', function () {
      var token = tokenFromLink();
      if (token) connect(token);
    });
    var token = tokenFromLink() || sessionStorage.getItem(TOKEN_KEY);
    if (token) connect(token);
  });
})();
`;
