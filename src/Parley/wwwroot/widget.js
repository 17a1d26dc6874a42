/* Parley web messaging widget. Embed: <script src="https://HOST/widget.js" data-inbox="KEY" defer></script>
   Optional: data-user-id + data-user-hash for a signed-in customer (+ data-user-name, data-user-email and
   data-user-profile-hash to keep their profile up to date), data-color for the accent colour.
   API: window.Parley.open(), window.Parley.close(). */
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || !script.src || document.getElementById('parley-widget')) return;
  const ds = script.dataset;
  const inboxKey = ds.inbox;
  if (!inboxKey) { console.warn('Parley: the widget script needs data-inbox.'); return; }

  const API = new URL(script.src).origin + '/api/widget/v1';
  const user = ds.userId && ds.userHash
    ? { id: ds.userId, hash: ds.userHash, name: ds.userName, email: ds.userEmail, profileHash: ds.userProfileHash }
    : null;
  const KEY = `parley:${inboxKey}:${user ? 'user:' + user.id : 'guest'}`;
  const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'];
  const KINDS = new Set(['customer', 'bot', 'advisor', 'system']);
  const PAGE = 500;
  const noop = () => {};

  // ---- storage (may be unavailable: private modes, blocked third-party storage) ----
  const load = (s, k) => { try { return JSON.parse(s.getItem(k)); } catch { return null; } };
  const save = (s, k, v) => { try { if (v == null) s.removeItem(k); else s.setItem(k, JSON.stringify(v)); } catch { /* memory only */ } };
  const ls = (() => { try { return window.localStorage; } catch { return null; } })();
  const stored = (ls && load(ls, KEY)) || {};
  // A short-lived session token and the refresh token that renews it (a guest's only way back to its conversation).
  const str = v => (typeof v === 'string' ? v : null);
  const session = { token: str(stored.token), renewAt: Number(stored.renewAt) || 0, refreshToken: str(stored.refreshToken) };
  const persist = () => ls && save(ls, KEY, { token: session.token, renewAt: session.renewAt, refreshToken: session.refreshToken });

  // ---- state ----
  let info = null;
  let fatal = null; // an error no retry can fix (unknown inbox, identity not verified)
  let hasConversation = false;
  let startPromise = null;
  let isOpen = false;
  let lastSeq = 0; // highest seq rendered
  let syncedSeq = 0; // every message up to here is known: catch-up starts after it
  let advisorReadSeq = 0;
  let readSent = 0;
  const msgs = new Map(); // seq -> { m, el }
  const optionSeqs = [];
  const pendings = []; // optimistic sends not yet confirmed
  let es = null; let live = false; let pollTimer = null; let esDelay = 1000;
  let catching = null; let catchAgain = false;
  let onNewToken = noop; // set by init(): reconnect the event stream with the new token

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, c => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // sleeps that an 'online' event cuts short
  const wakers = new Set();
  const nap = ms => new Promise(resolve => {
    const done = () => { clearTimeout(t); wakers.delete(done); resolve(); };
    const t = setTimeout(done, ms);
    wakers.add(done);
  });
  const wakeAll = () => [...wakers].forEach(w => w());

  // ---- HTTP ----
  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `The request failed (HTTP ${status}).`);
      this.status = status;
    }
  }
  const retryable = e => !e.status || e.status >= 500 || e.status === 408 || e.status === 429;

  async function request(method, path, body, opts = {}) {
    const auth = opts.auth !== false;
    if (auth) await ensureSession();
    const headers = {};
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
    const used = session.token;
    if (auth) headers.Authorization = 'Bearer ' + used;
    const res = await fetch(API + path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
    if (res.status === 401 && auth && opts.renew !== false) {
      if (session.token === used) { session.token = null; session.renewAt = 0; persist(); }
      return request(method, path, body, { ...opts, renew: false });
    }
    if (!res.ok) {
      let problem = null;
      try { problem = await res.json(); } catch { /* not ProblemDetails */ }
      throw new HttpError(res.status, problem);
    }
    if (opts.raw) return res;
    return res.status === 204 || !(res.headers.get('content-type') || '').includes('json') ? null : res.json();
  }

  // Renewed when four fifths of its life are over (measured on this device's clock), so a call never carries an expired one.
  const fresh = () => session.token && Date.now() < session.renewAt;
  let sessionPromise = null;
  function ensureSession() {
    if (fresh()) return Promise.resolve();
    if (fatal) return Promise.reject(fatal);
    if (!sessionPromise) sessionPromise = renewSession().finally(() => { sessionPromise = null; });
    return sessionPromise;
  }

  async function renewSession() {
    if (session.refreshToken) {
      try {
        return useSession(await request('POST', '/sessions/refresh', { refreshToken: session.refreshToken }, { auth: false }));
      } catch (e) {
        if (e.status !== 401) throw e; // a network error or a rate limit: try again later with the same refresh token
        session.refreshToken = null; // expired or revoked: a signed-in customer signs in again, a guest starts anew
      }
    }
    const body = { inbox: inboxKey };
    // A guest of this browser who signs in brings its conversation along: its refresh token proves it was this guest.
    const guestKey = `parley:${inboxKey}:guest`;
    const guest = user && ls ? load(ls, guestKey) : null;
    if (user) {
      Object.assign(body, { userId: user.id, userHash: user.hash });
      if (user.profileHash) Object.assign(body, { name: user.name || undefined, email: user.email || undefined, profileHash: user.profileHash });
      if (guest && str(guest.refreshToken)) body.guestRefreshToken = guest.refreshToken;
    }
    try {
      useSession(await request('POST', '/sessions', body, { auth: false }));
      if (body.guestRefreshToken) save(ls, guestKey, null); // joined: the guest session is the customer's now
    } catch (e) {
      if (e.status === 401 || e.status === 404 || e.status === 400) {
        fatal = new HttpError(e.status, { detail: e.status === 401 ? 'We could not verify your account; please sign in again.' : 'This chat is not available.' });
      }
      throw e;
    }
  }

  function useSession(r) {
    const previous = session.token;
    session.token = r.token;
    session.renewAt = Date.now() + Math.max(1000, (Number(r.expiresIn) || 300) * 800);
    session.refreshToken = r.refreshToken;
    persist();
    if (previous !== r.token) onNewToken();
  }

  // ---- DOM ----
  const h = (tag, props, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of kids.flat()) if (c != null && c !== false) el.append(c); // strings become text nodes
    return el;
  };

  const ICON_CHAT = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  const ICON_SEND = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z"/></svg>';
  const ICON_CLIP = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5"/></svg>';

  const STYLE = `
:host{all:initial}*{box-sizing:border-box}[hidden]{display:none!important}
.w{font:14px/1.4 system-ui,sans-serif;color:#1f2328;--a:#2456d3}
button{font:inherit;cursor:pointer}:focus-visible{outline:2px solid var(--a);outline-offset:2px}
#parley-launcher,#parley-panel{position:fixed;right:20px;bottom:20px;z-index:2147483000;box-shadow:0 6px 24px rgba(0,0,0,.22)}
#parley-launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--a);color:#fff;display:flex;align-items:center;justify-content:center}
.parley-badge{position:absolute;top:-2px;right:-2px;min-width:20px;padding:0 5px;border-radius:10px;background:#d1242f;font-size:12px;line-height:20px}
#parley-panel{width:360px;height:560px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden}
.parley-header{display:flex;align-items:center;padding:12px 14px;background:var(--a);color:#fff}
.parley-head{flex:1;min-width:0}#parley-title{font-weight:600;font-size:15px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.parley-presence{font-size:12px}.parley-dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px;background:#9aa4b2}
.parley-online .parley-dot{background:#3ddc84}
#parley-close{border:0;background:none;color:#fff;font-size:22px;width:32px;height:32px}
#parley-hours{padding:8px 14px;font-size:12px;background:#f6f8fa;color:#57606a}#parley-hours.parley-closed{background:#fff8e5;color:#6b5200}
#parley-messages{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}
.parley-msg{display:flex;flex-direction:column;align-items:flex-start;max-width:82%;align-self:flex-start}
.parley-bubble{padding:8px 11px;border-radius:14px;background:#f1f3f5;white-space:pre-wrap;overflow-wrap:anywhere}
.parley-bubble:empty{display:none}.parley-bubble a{color:inherit}
.parley-msg-customer{align-self:flex-end;align-items:flex-end}.parley-msg-customer .parley-bubble{background:var(--a);color:#fff}
.parley-msg-system{align-self:center;align-items:center;text-align:center}.parley-msg-system .parley-bubble{background:none;color:#6e7781;font-size:12px}
.parley-author,.parley-signature,.parley-status{font-size:12px;color:#57606a;margin:2px 4px}
.parley-bot-badge{margin-left:5px;padding:0 6px;border-radius:8px;background:#e7ecf3;color:#425066;font-size:10px;font-weight:600}
.parley-failed .parley-status{color:#d1242f}.parley-pending .parley-bubble{opacity:.7}
.parley-options{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.parley-msg-listPicker .parley-options{flex-direction:column}
.parley-option{border:1px solid var(--a);background:#fff;color:var(--a);border-radius:16px;padding:5px 12px;text-align:left}
.parley-msg-listPicker .parley-option{border-radius:10px}.parley-option:disabled{border-color:#d0d7de;color:#8c959f;cursor:default}
.parley-option.parley-option-chosen{background:var(--a);color:#fff}
.parley-option-title,.parley-option-desc{display:block}.parley-option-desc{font-size:12px;opacity:.8}
.parley-thumb{display:block;max-width:220px;max-height:220px;min-width:40px;min-height:40px;border-radius:8px}
.parley-msg-cards{max-width:100%;align-self:stretch}.parley-cards{display:flex;gap:8px;overflow-x:auto;scroll-snap-type:x mandatory;padding:2px 2px 6px;max-width:100%}
.parley-card{flex:0 0 200px;scroll-snap-align:start;display:flex;flex-direction:column;border:1px solid #d0d7de;border-radius:12px;overflow:hidden;background:#fff}
.parley-card-img{display:block;width:100%;height:110px;object-fit:cover;background:#f1f3f5}.parley-card-body{padding:8px 10px;display:flex;flex-direction:column;gap:4px;flex:1}
.parley-card-title{font-weight:600;overflow-wrap:anywhere;color:inherit}.parley-card-subtitle{font-size:12px;color:#57606a;overflow-wrap:anywhere}
.parley-card-actions{display:flex;flex-direction:column;gap:4px;padding:0 10px 10px}.parley-card .parley-option,.parley-card-link{text-align:center;border-radius:8px}
.parley-card-link{display:block;border:1px solid #d0d7de;padding:5px 12px;color:var(--a);text-decoration:none}
#parley-typing,#parley-conv-status{padding:0 14px 6px;font-size:12px;color:#6e7781;font-style:italic}
#parley-error{margin:0 10px 6px;padding:6px 10px;border-radius:8px;background:#ffebe9;color:#a40e26;font-size:12px}
form{display:flex;align-items:flex-end;gap:6px;padding:8px;border-top:1px solid #eaeef2}
#parley-input{flex:1;resize:none;border:1px solid #d0d7de;border-radius:10px;padding:8px 10px;font:inherit;max-height:120px;color:inherit}
#parley-input:focus{outline:none;border-color:var(--a)}
.parley-icon{border:0;background:none;color:#57606a;width:38px;height:38px;flex:none}#parley-send{color:var(--a)}
@media (max-width:480px){#parley-panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}#parley-input{font-size:16px}}`;

  // ---- state-independent helpers ----
  const fmtSize = n => n >= 1048576 ? `${Math.round(n / 104857.6) / 10} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
  function linkify(text) {
    const out = []; let at = 0;
    for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"']+/g)) {
      const url = match[0].replace(/[.,;:!?)\]]+$/, '');
      out.push(text.slice(at, match.index));
      out.push(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, url));
      at = match.index + url.length;
    }
    out.push(text.slice(at));
    return out;
  }

  function init() {
    const host = h('div', { id: 'parley-widget' });
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    const color = ds.color && window.CSS && CSS.supports('color', ds.color) ? ds.color : '#2456d3';
    style.textContent = STYLE.replace('#2456d3', color);
    const w = h('div', { class: 'w' });
    // Static markup only: every value that comes from the server or the customer is set with textContent.
    w.innerHTML = `
<button id="parley-launcher" type="button" aria-label="Open chat" aria-haspopup="dialog" aria-controls="parley-panel" aria-expanded="false">${ICON_CHAT}<span class="parley-badge" hidden></span></button>
<div id="parley-panel" role="dialog" aria-modal="false" aria-labelledby="parley-title" hidden>
 <div class="parley-header"><div class="parley-head"><div id="parley-title">Chat</div><div class="parley-presence"><span class="parley-dot"></span><span class="parley-presence-text"></span></div></div>
 <button id="parley-close" type="button" aria-label="Close chat">×</button></div>
 <div id="parley-hours" hidden></div>
 <div id="parley-messages" role="log" aria-live="polite" aria-label="Messages" tabindex="0"></div>
 <div id="parley-typing" hidden></div>
 <div id="parley-conv-status" hidden></div>
 <div id="parley-error" role="alert" hidden></div>
 <form class="parley-composer" id="parley-composer">
  <button id="parley-attach" class="parley-icon" type="button" aria-label="Attach a file">${ICON_CLIP}</button>
  <input id="parley-file" type="file" accept="${TYPES.join(',')}" hidden>
  <textarea id="parley-input" rows="1" maxlength="4000" placeholder="Write a message…" aria-label="Message"></textarea>
  <button id="parley-send" class="parley-icon" type="submit" aria-label="Send">${ICON_SEND}</button>
 </form>
</div>`;
    root.append(style, w);
    document.body.append(host);
    const $ = id => root.getElementById(id);
    const launcher = $('parley-launcher'), badge = launcher.querySelector('.parley-badge'), panel = $('parley-panel');
    const list = $('parley-messages'), input = $('parley-input'), fileInput = $('parley-file');
    const typingEl = $('parley-typing'), errorEl = $('parley-error'), convStatusEl = $('parley-conv-status');

    // ---- errors ----
    let errorTimer = null;
    function showError(text, sticky) {
      clearTimeout(errorTimer);
      errorEl.textContent = text; errorEl.hidden = false;
      if (!sticky) errorTimer = setTimeout(clearError, 8000);
    }
    function clearError() { clearTimeout(errorTimer); errorEl.hidden = true; errorEl.textContent = ''; }

    // ---- header ----
    function renderInfo() {
      if (!info) return;
      $('parley-title').textContent = info.name || 'Chat';
      root.querySelector('.parley-presence').classList.toggle('parley-online', !!info.open);
      root.querySelector('.parley-presence-text').textContent = info.open ? 'Advisors online' : 'Advisors away';
      const hours = $('parley-hours');
      const text = info.expectedReplyText || (info.opensText ? `We open ${info.opensText}.` : '');
      hours.textContent = text; hours.hidden = !text;
      hours.classList.toggle('parley-closed', !info.open);
    }

    function setConvStatus(status) {
      if (!status || status === 'none') return;
      panel.dataset.status = status;
      convStatusEl.textContent = status === 'resolved' ? 'This conversation is closed. Write a message to start again.' : '';
      convStatusEl.hidden = !convStatusEl.textContent;
    }

    // ---- attachments (their URL needs the bearer token: fetch → blob → object URL) ----
    const blobs = new Map(); // attachment id -> Promise<object URL>
    function blobUrl(id) {
      if (!blobs.has(id)) {
        const p = request('GET', `/attachments/${encodeURIComponent(id)}`, undefined, { raw: true }).then(r => r.blob()).then(b => URL.createObjectURL(b));
        p.catch(() => blobs.delete(id));
        blobs.set(id, p);
      }
      return blobs.get(id);
    }
    function renderAttachment(att, localUrl) {
      const name = att.fileName || 'file';
      // The message's url is /api/widget/v1/attachments/{id}: the id is enough, on the script's own origin.
      const get = () => (localUrl ? Promise.resolve(localUrl) : att.id != null ? blobUrl(att.id) : Promise.reject(new Error('no id')));
      if (/^image\//.test(att.contentType || '')) {
        const img = h('img', { class: 'parley-thumb', alt: name });
        const a = h('a', { class: 'parley-image-link', target: '_blank', rel: 'noopener', title: name }, img);
        let stick = false;
        img.addEventListener('load', () => stick && scrollDown());
        get().then(u => { stick = nearBottom(); img.src = u; a.href = u; }, () => a.replaceWith(h('span', null, `🖼 ${name} (not available)`)));
        return a;
      }
      const link = h('a', { class: 'parley-file', href: '#', download: name }, `📄 ${name}`);
      if (att.size) link.title = fmtSize(att.size);
      link.addEventListener('click', async e => {
        e.preventDefault();
        try {
          const u = await get();
          const tmp = h('a', { href: u, download: name, hidden: true });
          root.append(tmp); tmp.click(); tmp.remove();
        } catch { showError(`Could not download ${name}.`); }
      });
      return link;
    }

    // ---- messages ----
    // Only web links are followed: a card's links come from a flow's templates, never trusted as script.
    function webLink(url) {
      try { const u = new URL(String(url)); return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null; } catch { return null; }
    }

    // A row of cards scrolled sideways; a choice button sends its choice as a quick reply does, a link opens a new tab.
    // The limits the flow editor states for the web chat (ChannelLimits): longer texts are cut.
    const cut = (t, n) => { t = String(t); return t.length > n ? t.slice(0, n - 1) + '…' : t; };
    function renderCards(cards, el) {
      const row = h('div', { class: 'parley-cards', role: 'group', 'aria-label': 'Cards' });
      for (const c of cards) {
        if (!c || typeof c.title !== 'string') continue;
        const card = h('div', { class: 'parley-card' });
        const image = webLink(c.imageUrl);
        if (image) card.append(h('img', { class: 'parley-card-img', src: image, alt: c.title, loading: 'lazy', referrerpolicy: 'no-referrer' }));
        const page = webLink(c.url);
        const title = page ? h('a', { class: 'parley-card-title', href: page, target: '_blank', rel: 'noopener noreferrer' }, cut(c.title, 80)) : h('div', { class: 'parley-card-title' }, cut(c.title, 80));
        card.append(h('div', { class: 'parley-card-body' }, title, c.subtitle ? h('div', { class: 'parley-card-subtitle' }, cut(c.subtitle, 160)) : null));
        const actions = h('div', { class: 'parley-card-actions' });
        for (const b of Array.isArray(c.buttons) ? c.buttons : []) {
          if (!b) continue;
          if (b.url != null) {
            const link = webLink(b.url);
            if (link) actions.append(h('a', { class: 'parley-card-link', href: link, target: '_blank', rel: 'noopener noreferrer' }, cut(b.title, 40)));
          } else if (b.id) {
            const button = h('button', { class: 'parley-option', type: 'button', 'data-option': b.id }, cut(b.title, 40));
            button.addEventListener('click', () => {
              el.querySelectorAll('.parley-option').forEach(x => { x.disabled = true; });
              button.classList.add('parley-option-chosen');
              send(String(b.title), b.id);
            });
            actions.append(button);
          }
        }
        if (actions.childElementCount) card.append(actions);
        row.append(card);
      }
      return row;
    }

    function renderMessage(m, localUrl) {
      const kind = KINDS.has(m.authorKind) ? m.authorKind : 'system';
      const type = ['quickReplies', 'listPicker', 'cards'].includes(m.contentType) ? m.contentType : '';
      const el = h('div', { class: `parley-msg parley-msg-${kind}` + (type ? ` parley-msg-${type}` : '') });
      if (m.seq != null) el.dataset.seq = m.seq;
      const at = m.createdAt && new Date(m.createdAt);
      if (at && !isNaN(at)) el.title = at.toLocaleString();
      if (kind === 'bot') {
        el.append(h('div', { class: 'parley-author' }, m.authorName || (info && info.botName) || 'Assistant', ' ', h('span', { class: 'parley-bot-badge' }, 'Automated')));
      }
      const bubble = h('div', { class: 'parley-bubble' });
      if (m.contentType === 'attachment' && m.attachment) bubble.append(renderAttachment(m.attachment, localUrl));
      else bubble.append(...linkify(String(m.text || '')));
      el.append(bubble);
      if (type && Array.isArray(m.options) && m.options.length) {
        const box = h('div', { class: 'parley-options', role: 'group' });
        for (const o of m.options) {
          const b = h('button', { class: 'parley-option', type: 'button', 'data-option': o.id },
            type === 'listPicker' ? [h('span', { class: 'parley-option-title' }, o.title), o.description ? h('span', { class: 'parley-option-desc' }, o.description) : null] : o.title);
          b.addEventListener('click', () => {
            box.querySelectorAll('button').forEach(x => { x.disabled = true; });
            b.classList.add('parley-option-chosen');
            send(o.title, o.id);
          });
          box.append(b);
        }
        el.append(box);
        optionSeqs.push(m.seq);
      }
      if (type === 'cards' && Array.isArray(m.cards) && m.cards.length) {
        el.append(renderCards(m.cards, el));
        optionSeqs.push(m.seq);
      }
      if (kind === 'advisor') el.append(h('div', { class: 'parley-signature' }, '— ' + (m.authorName || 'Advisor')));
      return el;
    }

    // Confirmed messages in seq order, then the optimistic ones.
    function place(el, seq) {
      let before = null;
      for (let c = list.lastElementChild; c; c = c.previousElementSibling) {
        if (c === el) continue;
        if (!c.dataset.seq) { if (c.classList.contains('parley-pending')) before = c; continue; } // failed ones keep their place
        if (+c.dataset.seq < seq) break;
        before = c;
      }
      list.insertBefore(el, before);
    }

    function record(m, el) {
      msgs.set(m.seq, { m, el });
      if (m.seq > lastSeq) lastSeq = m.seq;
    }

    function addMessage(m) {
      if (!m || typeof m.seq !== 'number' || msgs.has(m.seq)) return;
      if (m.authorKind === 'customer') {
        // Our own optimistic bubble may be this message (SSE can be faster than the POST answer).
        const i = pendings.findIndex(p => m.seq > p.afterSeq && (p.file ? m.contentType === 'attachment' : m.contentType !== 'attachment' && m.text === p.text));
        if (i >= 0) { const p = pendings.splice(i, 1)[0]; p.adopted = true; adopt(p, m); return; }
      }
      if (m.authorKind === 'advisor') hideTyping();
      const el = renderMessage(m);
      record(m, el);
      place(el, m.seq);
    }

    function adopt(p, m) {
      p.el.classList.remove('parley-pending');
      p.el.dataset.seq = m.seq;
      record({ ...m, text: m.text ?? p.text, replyTo: m.replyTo ?? p.replyTo }, p.el);
      place(p.el, m.seq);
    }

    const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const scrollDown = () => { list.scrollTop = list.scrollHeight; };

    // Apply DOM changes, then refresh everything derived from the message list.
    function batch(fn, forceScroll) {
      const stick = forceScroll || nearBottom();
      fn();
      while (msgs.has(syncedSeq + 1)) syncedSeq++;
      refreshOptions(); refreshStatuses(); refreshBadge(); scheduleRead();
      if (stick) scrollDown();
    }

    function refreshOptions() {
      let maxCustomer = 0;
      const customers = [];
      for (const [seq, { m }] of msgs) if (m.authorKind === 'customer') { customers.push(m); if (seq > maxCustomer) maxCustomer = seq; }
      customers.sort((a, b) => a.seq - b.seq);
      for (const seq of optionSeqs) {
        const entry = msgs.get(seq);
        if (!entry) continue;
        const answered = maxCustomer > seq || pendings.some(p => p.afterSeq >= seq);
        if (!answered) continue;
        const reply = customers.find(c => c.seq > seq);
        entry.el.querySelectorAll('.parley-option').forEach(b => {
          b.disabled = true;
          if (reply && reply.replyTo && b.dataset.option === reply.replyTo) b.classList.add('parley-option-chosen');
        });
      }
    }

    function refreshStatuses() {
      const els = list.querySelectorAll('.parley-msg-customer');
      els.forEach((el, i) => {
        const status = el.classList.contains('parley-failed') ? 'failed' : el.classList.contains('parley-pending') ? 'sending'
          : +el.dataset.seq <= advisorReadSeq ? 'read' : 'sent';
        el.dataset.status = status;
        let line = el.querySelector(':scope > .parley-status');
        const show = status === 'failed' || status === 'sending' || i === els.length - 1;
        if (!show) { if (line) line.remove(); return; }
        if (!line) { line = h('div', { class: 'parley-status' }); el.append(line); }
        line.textContent = { failed: 'Not sent', sending: 'Sending…', read: 'Read', sent: 'Sent' }[status];
      });
    }

    function unread() {
      let n = 0;
      for (const [seq, { m }] of msgs) if (seq > readSent && (m.authorKind === 'advisor' || m.authorKind === 'bot')) n++;
      return n;
    }
    function refreshBadge() {
      const n = isOpen ? 0 : unread();
      badge.textContent = n > 9 ? '9+' : String(n);
      badge.hidden = n === 0;
    }

    // ---- read receipts ----
    let readTimer = null;
    function scheduleRead() {
      if (!isOpen || document.visibilityState !== 'visible' || !hasConversation) return;
      let fresh = false;
      for (const [seq, { m }] of msgs) if (seq > readSent && m.authorKind !== 'customer') { fresh = true; break; }
      if (!fresh) return;
      clearTimeout(readTimer);
      readTimer = setTimeout(() => {
        if (!isOpen || document.visibilityState !== 'visible') return;
        const seq = lastSeq;
        request('POST', '/read', { seq }).then(() => { if (seq > readSent) readSent = seq; refreshBadge(); }, noop);
      }, 400);
    }

    // ---- catch-up: the message list is the truth, events only wake us up ----
    function apply(r) {
      if (!r) return;
      setConvStatus(r.status);
      if (r.advisorReadSeq > advisorReadSeq) advisorReadSeq = r.advisorReadSeq;
      if (r.customerReadSeq > readSent) readSent = r.customerReadSeq;
      const list2 = Array.isArray(r.messages) ? r.messages : [];
      batch(() => {
        for (const m of list2) {
          addMessage(m);
          if (m.seq > syncedSeq) syncedSeq = m.seq;
        }
      });
    }

    function catchUp() {
      if (catching) { catchAgain = true; return catching; }
      catching = (async () => {
        do {
          catchAgain = false;
          let r;
          do {
            r = await request('GET', `/messages?after=${syncedSeq}&limit=${PAGE}`);
            if (r && r.status === 'none') return r;
            hasConversation = true;
            apply(r);
          } while (r && r.messages && r.messages.length === PAGE);
        } while (catchAgain);
        return null;
      })().finally(() => { catching = null; });
      return catching;
    }

    // ---- realtime ----
    const parse = s => { try { return JSON.parse(s); } catch { return null; } };
    let ticketing = false;
    function connect() {
      if (es || ticketing || !session.token || !hasConversation || typeof EventSource !== 'function') { if (!es) startPolling(); return; }
      // EventSource sends no headers: the stream opens with a one-minute ticket, so the session token stays out of URLs.
      ticketing = true;
      request('POST', '/events/tickets').then(t => { ticketing = false; if (!es) openStream(t.ticket); },
        () => { ticketing = false; startPolling(); reconnectLater(); });
    }
    function reconnectLater() {
      const wait = esDelay; esDelay = Math.min(esDelay * 2, 60000);
      setTimeout(() => { catchUp().catch(noop).finally(() => { if (!es) connect(); }); }, wait);
    }
    function openStream(ticket) {
      const src = new EventSource(`${API}/events?ticket=${encodeURIComponent(ticket)}`);
      es = src;
      src.addEventListener('open', () => {
        live = true; esDelay = 1000; stopPolling();
        catchUp().catch(noop);
      });
      src.addEventListener('error', () => {
        live = false; startPolling();
        if (src.readyState === EventSource.CLOSED) { // an HTTP error (an expired ticket on reconnect): the browser will not retry by itself
          if (es === src) es = null;
          reconnectLater();
        }
      });
      src.addEventListener('message', e => { const m = parse(e.data); if (m) batch(() => addMessage(m)); });
      src.addEventListener('typing', e => { const d = parse(e.data); if (d) onTyping(d); });
      src.addEventListener('read', e => {
        const d = parse(e.data);
        if (d && d.advisorReadSeq > advisorReadSeq) { advisorReadSeq = d.advisorReadSeq; refreshStatuses(); }
      });
      src.addEventListener('status', e => { const d = parse(e.data); if (d) setConvStatus(d.status); });
    }
    function startPolling() {
      if (!pollTimer && hasConversation) pollTimer = setInterval(() => { if (!live) catchUp().catch(noop); }, 10000);
    }
    function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

    // ---- advisor typing ----
    let typingTimer = null;
    function onTyping(d) {
      clearTimeout(typingTimer);
      if (!d.typing) { hideTyping(); return; }
      typingEl.textContent = `${d.authorName || 'An advisor'} is typing…`;
      typingEl.hidden = false;
      typingTimer = setTimeout(hideTyping, 6000);
    }
    function hideTyping() { clearTimeout(typingTimer); typingEl.hidden = true; typingEl.textContent = ''; }

    // ---- customer typing ----
    let typingSentAt = 0, typingOn = false, typingStop = null;
    const postTyping = typing => request('POST', '/typing', { typing }).catch(noop);
    function onInput() {
      input.style.height = 'auto';
      input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px';
      if (!hasConversation || !input.value.trim()) return;
      const now = Date.now();
      if (now - typingSentAt >= 3000) { typingSentAt = now; typingOn = true; postTyping(true); }
      clearTimeout(typingStop);
      typingStop = setTimeout(stopTyping, 4000);
    }
    function stopTyping() {
      clearTimeout(typingStop);
      if (!typingOn) return;
      typingOn = false; typingSentAt = 0;
      postTyping(false);
    }

    // ---- start: session, conversation, history, events ----
    function start() {
      if (!startPromise) {
        startPromise = (async () => {
          let delay = 1000;
          for (;;) {
            try {
              const c = await request('POST', '/conversation');
              hasConversation = true;
              if (c) setConvStatus(c.status);
              await catchUp();
              clearError();
              connect();
              return;
            } catch (e) {
              if (fatal) { showError(fatal.message, true); startPromise = null; throw fatal; }
              showError(e.status ? e.message : 'Cannot reach the chat service. Retrying…', true);
              await nap(delay); delay = Math.min(delay * 2, 30000);
            }
          }
        })();
      }
      return startPromise;
    }

    // ---- sending ----
    function newPending(fields, el) {
      const p = { cid: uuid(), afterSeq: Infinity, ...fields, el };
      el.classList.add('parley-pending');
      pendings.push(p);
      batch(() => list.append(el), true);
      deliver(p);
    }

    function send(text, replyTo) {
      text = String(text || '').trim();
      if (!text) return false;
      if (text.length > 4000) { showError('Messages are limited to 4000 characters.'); return false; }
      stopTyping();
      newPending({ text, replyTo }, renderMessage({ authorKind: 'customer', contentType: 'text', text }));
      return true;
    }

    function sendFile(file) {
      const limits = (info && info.attachments) || {};
      const max = limits.maxBytes || 10 * 1024 * 1024;
      const types = Array.isArray(limits.types) && limits.types.length ? limits.types : TYPES;
      if (file.type && !types.includes(file.type)) return showError('Only PNG, JPEG, GIF and WebP images and PDF documents can be sent.');
      if (file.size > max) return showError(`${file.name} is too large (${fmtSize(file.size)}); the limit is ${fmtSize(max)}.`);
      if (!file.size) return showError(`${file.name} is empty.`);
      const local = URL.createObjectURL(file);
      const att = { fileName: file.name, contentType: file.type, size: file.size };
      newPending({ file }, renderMessage({ authorKind: 'customer', contentType: 'attachment', attachment: att }, local));
    }

    async function deliver(p) {
      let delay = 1000;
      for (;;) {
        try {
          await start();
          if (p.afterSeq === Infinity) p.afterSeq = lastSeq;
          let r;
          if (p.file) {
            const form = new FormData();
            form.append('clientMessageId', p.cid);
            form.append('file', p.file, p.file.name);
            r = await request('POST', '/attachments', form);
          } else {
            r = await request('POST', '/messages', { clientMessageId: p.cid, text: p.text, replyTo: p.replyTo || undefined });
          }
          confirm(p, r);
          return;
        } catch (e) {
          if (fatal || !retryable(e)) { failed(p, fatal || e); return; }
          await nap(delay + Math.random() * 500);
          delay = Math.min(delay * 2, 30000);
        }
      }
    }

    function confirm(p, r) {
      const i = pendings.indexOf(p);
      if (i >= 0) pendings.splice(i, 1);
      batch(() => {
        if (p.adopted || !r || typeof r.seq !== 'number') { if (!p.adopted) p.el.remove(); return; }
        if (msgs.has(r.seq)) p.el.remove(); // the event stream brought it first
        else adopt(p, { id: r.id, seq: r.seq, authorKind: 'customer', contentType: p.file ? 'attachment' : 'text', text: p.text, replyTo: p.replyTo });
      });
      if (r && r.seq > syncedSeq + 1 && !live) catchUp().catch(noop); // replies may be waiting
    }

    function failed(p, e) {
      const i = pendings.indexOf(p);
      if (i >= 0) pendings.splice(i, 1);
      p.el.classList.remove('parley-pending');
      p.el.classList.add('parley-failed');
      batch(noop);
      showError(e.message || 'The message could not be sent.');
    }

    // ---- open / close ----
    function open(opts) {
      if (isOpen) return;
      isOpen = true;
      panel.hidden = false; launcher.hidden = true;
      launcher.setAttribute('aria-expanded', 'true');
      refreshBadge();
      scrollDown();
      if (!(opts && opts.focus === false)) input.focus();
      if (fatal) showError(fatal.message, true);
      else start().then(() => { scheduleRead(); scrollDown(); }, noop);
    }
    function close() {
      if (!isOpen) return;
      const hadFocus = root.activeElement != null;
      isOpen = false;
      clearTimeout(readTimer);
      stopTyping();
      panel.hidden = true; launcher.hidden = false;
      launcher.setAttribute('aria-expanded', 'false');
      refreshBadge();
      if (hadFocus) launcher.focus();
    }

    // ---- events ----
    launcher.addEventListener('click', () => open());
    $('parley-close').addEventListener('click', close);
    panel.addEventListener('keydown', e => { if (e.key === 'Escape') { e.stopPropagation(); close(); } });
    $('parley-composer').addEventListener('submit', e => {
      e.preventDefault();
      if (send(input.value)) { input.value = ''; onInput(); }
      input.focus();
    });
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        $('parley-composer').requestSubmit ? $('parley-composer').requestSubmit() : $('parley-send').click();
      }
    });
    input.addEventListener('input', onInput);
    $('parley-attach').addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const files = [...fileInput.files];
      fileInput.value = '';
      files.forEach(sendFile);
    });
    input.addEventListener('paste', e => {
      const files = e.clipboardData ? [...e.clipboardData.files] : [];
      if (files.length) { e.preventDefault(); files.forEach(sendFile); }
    });
    window.addEventListener('online', () => {
      wakeAll();
      if (!hasConversation) return;
      catchUp().catch(noop);
      if (!es) connect();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      scheduleRead();
      if (hasConversation && !live) catchUp().catch(noop);
    });

    window.Parley = Object.freeze({ open: () => open(), close });

    onNewToken = () => { if (es) { es.close(); es = null; connect(); } };

    // ---- load ----
    request('GET', `/inboxes/${encodeURIComponent(inboxKey)}`, undefined, { auth: false })
      .then(r => { info = r; renderInfo(); }, e => { if (e.status === 404) fatal = e; });
    // A returning customer: show the existing conversation (and an unread badge) without opening it.
    if (session.token || session.refreshToken) {
      catchUp().then(r => { if (!r) connect(); }, noop);
    }
  }

  if (document.body) init();
  else document.addEventListener('DOMContentLoaded', init, { once: true });
})();
