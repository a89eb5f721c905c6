/** Styles of the web chat page (and of the landing page at `/`). */
export const WEBCHAT_CSS = `
* { box-sizing: border-box; }
/* The display rules below would otherwise show elements the script hides. */
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #1d2127; background: #f4f5f7; height: 100vh; height: 100dvh; display: flex; flex-direction: column; }
button { font: inherit; padding: 6px 12px; border: 1px solid #9aa3ad; border-radius: 6px; background: #fff; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
.bar { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #1d2127; color: #fff; }
.bar h1 { font-size: 16px; margin: 0; flex: 1; }
.status[data-state="online"] { color: #7ee2a8; }
.status[data-state="offline"] { color: #f0a8a8; }
.error { margin: 0; padding: 8px 16px; background: #fde8e8; color: #8a1c1c; border-bottom: 1px solid #f0b4b4; white-space: pre-wrap; }
.login { width: 100%; max-width: 400px; margin: 48px auto; padding: 0 16px; display: flex; flex-direction: column; gap: 8px; }
.login input { font: inherit; padding: 6px; }
.hint { color: #5c6570; font-size: 13px; }
.app { flex: 1; display: flex; min-height: 0; }
.sessions { width: 240px; border-right: 1px solid #d5d9de; padding: 8px; overflow-y: auto; background: #fff; }
.sessions ul { list-style: none; margin: 8px 0 0; padding: 0; }
.sessions li button { width: 100%; text-align: left; border: 0; border-radius: 4px; margin-bottom: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sessions li button[aria-current="true"] { background: #dfe9f7; }
.sessions li button.other { color: #5c6570; }
.chat { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; padding: 8px 16px; }
.chat h2 { font-size: 14px; margin: 4px 0 8px; color: #5c6570; word-break: break-all; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 0; }
.msg { margin: 6px 0; padding: 8px 10px; border-radius: 8px; max-width: min(80ch, 100%); white-space: pre-wrap; overflow-wrap: anywhere; }
.msg .md { white-space: normal; }
.md p, .md ul, .md ol, .md pre { margin: 4px 0; }
.md ul, .md ol { padding-left: 22px; }
.md code { font: 13px/1.4 ui-monospace, monospace; background: #eef0f3; border-radius: 4px; padding: 1px 4px; }
.md pre { background: #1d2127; color: #e8eaed; border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre; }
.md pre code { background: none; color: inherit; padding: 0; }
.md a { color: #1f5fbf; }
.msg.user { background: #dfe9f7; margin-left: auto; }
.msg.assistant { background: #fff; border: 1px solid #d5d9de; }
.msg .meta { display: block; font-size: 12px; color: #5c6570; }
.msg[data-state="aborted"] .meta, .msg[data-state="error"] .meta { color: #8a1c1c; }
.composer { border-top: 1px solid #d5d9de; padding-top: 8px; }
.composer textarea { width: 100%; font: inherit; padding: 6px; resize: vertical; }
.attachments { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.attachments li { background: #e9ecef; border-radius: 12px; padding: 2px 4px 2px 10px; font-size: 13px; }
.attachments li button { padding: 0 6px; border: 0; background: transparent; }
.actions { display: flex; gap: 8px; justify-content: flex-end; align-items: center; }
.file { cursor: pointer; padding: 6px 12px; border: 1px dashed #9aa3ad; border-radius: 6px; margin-right: auto; }
.file input { display: none; }
.hint code { font-size: 12px; }
/* Phones: the session list becomes a strip above the conversation. */
@media (max-width: 640px) {
  .bar { padding: 8px 10px; gap: 8px; }
  .bar h1 { font-size: 15px; }
  .app { flex-direction: column; }
  .sessions { width: auto; max-height: 112px; border-right: 0; border-bottom: 1px solid #d5d9de; padding: 6px 10px; }
  .sessions ul { margin-top: 6px; }
  .chat { padding: 6px 10px; }
  .msg { max-width: 100%; }
  .actions { flex-wrap: wrap; }
}
/* The landing page at / */
.landing { max-width: 560px; margin: 48px auto; padding: 0 16px; }
.landing h1 { font-size: 24px; margin: 0 0 8px; }
.landing ul { list-style: none; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.landing a.card { display: block; padding: 12px 14px; border: 1px solid #d5d9de; border-radius: 8px; background: #fff; color: inherit; text-decoration: none; }
.landing a.card:hover, .landing a.card:focus { border-color: #1f5fbf; }
.landing a.card strong { display: block; color: #1f5fbf; }
.landing a.card span { color: #5c6570; font-size: 14px; }
`;
