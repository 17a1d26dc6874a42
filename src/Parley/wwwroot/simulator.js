/* Parley simulator page: play a customer on Messenger, Instagram, WhatsApp or X. Everything shown comes from
   /simulator/api (polled every second); every text is set with textContent, never parsed as HTML. */
(() => {
  'use strict';
  const API = '/simulator/api';
  const $ = id => document.getElementById(id);
  const NAMES = ['Giulia Rossi', 'Marco Bianchi', 'Chiara Romano', 'Alessandro Conti', 'Francesca Greco', 'Matteo Ricci',
    'Sara Colombo', 'Davide Marino', 'Elena Bruno', 'Federico Gallo', 'Martina Costa', 'Paolo Fontana'];
  const WORDING = {
    messenger: { placeholder: 'Aa', sub: 'Messenger · Facebook page', seen: 'Seen', sent: 'Sent' },
    instagram: { placeholder: 'Message…', sub: 'Instagram · laposta', seen: 'Seen', sent: 'Sent' },
    whatsapp: { placeholder: 'Type a message', sub: 'WhatsApp Business account', seen: null, sent: null },
    x: { placeholder: 'Start a new message', sub: '@laposta', seen: 'Seen', sent: 'Sent' },
  };

  const state = { networks: [], network: null, customer: null, version: null, inspectorAfter: 0, entries: [], tick: 0 };

  // ---- helpers ----
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c != null) node.append(c);
    return node;
  };
  // A JSON call to one of the simulator's APIs; a refusal throws its problem's detail.
  const request = base => async (method, path, body) => {
    const res = await fetch(base + path, {
      method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    if (!res.ok) throw new Error(json?.detail || json?.title || `HTTP ${res.status}`);
    return json;
  };
  const call = request(API);

  // Shared with the public posts' view (simulator-posts.js, loaded after this script).
  window.SimulatorKit = { el, request };
  const time = iso => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const pretty = raw => { try { return JSON.stringify(JSON.parse(raw), null, 2); } catch { return raw || '(empty)'; } };
  const randomName = () => NAMES[Math.floor(Math.random() * NAMES.length)];
  const netInfo = slug => state.networks.find(n => n.network === slug);
  const safeUrl = url => /^https?:\/\//i.test(url || '') || /^\/simulator\/x\/media\/[0-9]+$/.test(url || '') ? url : null;

  // ---- networks and customers ----
  function renderNetworks() {
    const box = $('networks');
    box.replaceChildren(...state.networks.map(n => el('button', {
      class: 'net', role: 'tab', type: 'button', 'data-network': n.network, 'aria-selected': String(n.network === state.network),
      disabled: !n.connected, title: n.connected ? `${n.label}: account ${n.accountId}` : `${n.label} is not connected to the simulator`,
      onclick: () => chooseNetwork(n.network),
    }, el('span', { class: `dot ${n.network}` }), n.label)));
  }

  function chooseNetwork(slug, customerId = null) {
    state.network = slug;
    document.body.dataset.network = slug;
    $('phone').dataset.network = slug;
    const info = netInfo(slug);
    $('id-label').textContent = info ? info.idName : 'Platform id';
    $('text').placeholder = WORDING[slug].placeholder;
    $('network-mark').textContent = info ? info.label : '';
    document.forms['new-customer'].elements.name.value = randomName();
    renderNetworks();
    openCustomer(customerId);
    refreshCustomers();
    renderLog(true);
  }

  async function refreshCustomers() {
    if (!state.network) return;
    const list = await call('GET', `/customers?network=${state.network}`);
    const box = $('customers');
    if (!list.length) {
      box.replaceChildren(el('li', { class: 'empty', text: 'No customer yet: create one below.' }));
      return;
    }
    box.replaceChildren(...list.map(c => el('li', {}, el('button', {
      type: 'button', 'aria-current': String(c.id === state.customer), onclick: () => openCustomer(c.id),
    }, el('span', { class: 'name', text: c.name }), c.unread ? el('span', { class: 'badge', text: String(c.unread) }) : el('span'),
    el('span', { class: 'preview', text: c.preview || `${netInfo(c.network)?.idName} ${c.id}` })))));
  }

  function openCustomer(id) {
    state.customer = id;
    state.version = null;
    location.hash = id ? `${state.network}/${id}` : state.network;
    $('text').disabled = !id;
    $('composer').querySelector('button').disabled = !id;
    $('chat').replaceChildren(el('div', { class: 'placeholder', text: id ? 'Loading…' : 'Choose a customer, or create one, to start a chat with La Posta.' }));
    $('typing').hidden = true;
    $('you-are').textContent = '';
    $('peer-sub').textContent = WORDING[state.network].sub;
    if (id) { poll(); $('text').focus(); }
    refreshCustomers();
  }

  // ---- the chat ----
  function renderChat(chat) {
    const box = $('chat');
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const info = netInfo(state.network);
    $('you-are').textContent = `You are ${chat.customer.name} (${info?.idName} ${chat.customer.id}) writing to La Posta (${info?.accountId}).`;
    const messages = chat.messages;
    if (!messages.length) {
      box.replaceChildren(el('div', { class: 'placeholder', text: 'Say hello to La Posta: your message is posted to Parley as a signed webhook.' }));
      return;
    }
    const lastBrand = [...messages].reverse().find(m => !m.fromCustomer);
    box.replaceChildren(...messages.map(m => renderMessage(m, m === lastBrand)));
    if (nearBottom || state.version === null) box.scrollTop = box.scrollHeight;
  }

  function renderMessage(m, isLastBrand) {
    const who = m.fromCustomer ? 'customer' : 'brand';
    const parts = [];
    if (m.template) parts.push(el('span', { class: 'template', text: `Template: ${m.template}` }));
    if (m.mediaKind) {
      const url = safeUrl(m.mediaUrl);
      const label = `${m.mediaKind === 'location' ? '📍' : '📎'} ${m.mediaKind}${m.mediaUrl && !url ? ` (media ${m.mediaUrl})` : ''}`;
      parts.push(url ? el('a', { class: 'media', href: url, target: '_blank', rel: 'noopener noreferrer', text: label }) : el('span', { class: 'media', text: label }));
      // An image the brand sent shows as the customer's app would show it (a file stays a link).
      if (url && m.mediaKind === 'image' && !m.fromCustomer) parts.push(el('img', { class: 'media-preview', src: url, alt: 'Image sent by the brand' }));
    }
    if (m.text) parts.push(el('div', { class: `bubble${m.status === 'failed' && !m.fromCustomer ? ' failed' : ''}`, text: m.text }));
    const choices = renderChoices(m, isLastBrand);
    if (choices) parts.push(choices);
    if (m.failure) parts.push(el('span', { class: 'failure', text: `Not delivered by WhatsApp: ${m.failure}` }));
    parts.push(renderMeta(m));
    return el('div', { class: `msg ${who}` }, ...parts);
  }

  function renderChoices(m, isLastBrand) {
    if (m.fromCustomer || !m.choices.length) return null;
    const pick = choice => () => choose(m, choice);
    switch (m.style) {
      case 'quickReplies':
        // Quick replies belong to the latest message, and go once one is used.
        return isLastBrand && !m.answered
          ? el('div', { class: 'chips' }, ...m.choices.map(c => el('button', { type: 'button', onclick: pick(c), text: c.title })))
          : null;
      case 'postbacks':
      case 'replyButtons':
        return el('div', { class: 'buttons' }, ...m.choices.map(c => safeUrl(c.id) && m.style === 'postbacks'
          ? el('button', { type: 'button', onclick: () => window.open(c.id, '_blank', 'noopener'), text: `${c.title} ↗` })
          : el('button', { type: 'button', onclick: pick(c), text: c.title })));
      case 'list':
        return el('div', { class: 'buttons' }, el('button', { type: 'button', onclick: () => openSheet(m), text: `☰ ${m.listButton || 'Options'}` }));
      default:
        return null;
    }
  }

  function renderMeta(m) {
    const meta = el('div', { class: 'meta' }, el('span', { text: time(m.at) }));
    const words = WORDING[state.network];
    if (m.fromCustomer) {
      if (m.webhookStatus !== undefined && m.status !== 'sending') {
        const ok = m.webhookStatus >= 200 && m.webhookStatus < 300;
        meta.append(el('span', {
          class: `hook${ok ? '' : ' bad'}`, title: 'What Parley\'s webhook endpoint answered',
          text: `POST ${netInfo(state.network)?.webhookPath} → ${m.webhookStatus ?? 'unreachable'}`,
        }));
      }
      if (m.status === 'sending') meta.append(el('span', { text: '🕓' }));
      else if (m.status === 'failed') meta.append(el('span', { class: 'failure', text: '⚠ not accepted' }));
      else if (!words.seen) meta.append(el('span', { class: `ticks${m.status === 'read' ? ' read' : ''}`, title: m.status === 'read' ? 'Read by La Posta' : 'Delivered', text: '✓✓' }));
      else meta.append(el('span', { text: m.status === 'read' ? words.seen : words.sent }));
    } else if (m.status !== 'failed') {
      meta.append(el('span', { title: 'The receipt the platform reported to Parley', text: m.status === 'read' ? '· read by you' : m.status === 'delivered' ? '· delivered' : '· sent' }));
    }
    return meta;
  }

  function openSheet(m) {
    $('sheet-title').textContent = m.listButton || 'Options';
    $('sheet-rows').replaceChildren(...m.choices.map(c => el('li', {}, el('button', {
      type: 'button', onclick: () => { closeSheet(); choose(m, c); },
    }, el('span', { text: c.title }), c.description ? el('span', { class: 'desc', text: c.description }) : null))));
    $('sheet').hidden = false;
    $('sheet-rows').querySelector('button')?.focus();
  }
  const closeSheet = () => { $('sheet').hidden = true; };

  async function send(text) {
    try {
      await call('POST', `/customers/${state.network}/${state.customer}/messages`, { text });
    } catch (e) {
      alert(`The simulator could not send it: ${e.message}`);
    }
    poll();
  }

  async function choose(m, choice) {
    try {
      await call('POST', `/customers/${state.network}/${state.customer}/choices`, { messageId: m.id, choiceId: choice.id });
    } catch (e) {
      alert(e.message);
    }
    poll();
  }

  // ---- the inspector ----
  function renderEntry(e) {
    const out = e.direction === 'webhook';
    const bad = e.status == null || e.status >= 400;
    const net = e.network ? netInfo(slugOf(e.network))?.label ?? e.network : 'Graph';
    const pane = el('div', { class: 'pane' },
      el('h4', { text: out ? 'Webhook body (signed bytes)' : 'Request body' }), el('pre', { text: pretty(e.request) }));
    if (e.note) pane.append(el('h4', { text: 'Event · signature' }), el('pre', { text: e.note }));
    pane.append(el('h4', { text: out ? 'Parley answered' : 'The simulator answered' }), el('pre', { text: pretty(e.response) }));
    return el('li', { 'data-network': slugOf(e.network) }, el('details', {},
      el('summary', {},
        el('span', { class: `dir ${out ? 'out' : 'in'}`, text: out ? '→' : '←' }),
        el('span', { class: 'what', text: net }),
        el('code', { text: `${e.method} ${e.path}` }),
        e.note ? el('span', { class: 'what', text: e.note.split(' · ')[0] }) : null,
        el('span', { class: `status${bad ? ' bad' : ''}`, text: e.status == null ? 'unreachable' : String(e.status) }),
        el('time', { text: new Date(e.at).toLocaleTimeString() })),
      pane));
  }
  const slugOf = network => (network ? String(network).toLowerCase() : '');

  function renderLog(all) {
    const only = $('only-network').checked;
    const shown = state.entries.filter(e => !only || !e.network || slugOf(e.network) === state.network);
    const log = $('log');
    if (all) log.replaceChildren(...shown.slice().reverse().map(renderEntry));
    if (!log.children.length) log.replaceChildren(el('li', { class: 'empty', text: 'Nothing yet: calls appear here as they happen.' }));
  }

  async function pollInspector() {
    const fresh = await call('GET', `/inspector?after=${state.inspectorAfter}`);
    if (!fresh.length) return;
    state.inspectorAfter = fresh[fresh.length - 1].seq;
    state.entries.push(...fresh);
    if (state.entries.length > 200) state.entries.splice(0, state.entries.length - 200);
    renderLog(true);
  }

  // ---- polling ----
  let polling = null;
  async function poll() {
    if (!state.customer) return;
    const customer = state.customer;
    const chat = await call('GET', `/customers/${state.network}/${customer}${state.version !== null ? `?since=${state.version}` : ''}`)
      .catch(() => null);
    if (!chat || customer !== state.customer) return;
    $('typing').hidden = !chat.typing;
    if (chat.messages) { renderChat(chat); state.version = chat.version; }
  }

  async function loop() {
    try {
      await poll();
      await pollInspector();
      if (++state.tick % 3 === 0) await refreshCustomers();
    } catch { /* the next tick tries again */ }
    polling = setTimeout(loop, 1000);
  }

  // ---- start ----
  async function start() {
    state.networks = await call('GET', '/networks');
    const [hashNet, hashId] = location.hash.slice(1).split('/');
    const first = state.networks.find(n => n.network === hashNet && n.connected) ?? state.networks.find(n => n.connected) ?? state.networks[0];
    chooseNetwork(first.network, first.network === hashNet ? hashId || null : null);

    document.forms['new-customer'].addEventListener('submit', async ev => {
      ev.preventDefault();
      const form = ev.target;
      try {
        const c = await call('POST', '/customers', { network: state.network, name: form.elements.name.value, id: form.elements.id.value || null });
        form.elements.id.value = '';
        form.elements.name.value = randomName();
        openCustomer(c.id);
      } catch (e) {
        alert(e.message);
      }
    });
    $('composer').addEventListener('submit', ev => {
      ev.preventDefault();
      const text = $('text').value.trim();
      if (!text || !state.customer) return;
      $('text').value = '';
      send(text);
    });
    $('sheet-close').addEventListener('click', closeSheet);
    $('sheet').addEventListener('click', ev => { if (ev.target === $('sheet')) closeSheet(); });
    document.addEventListener('keydown', ev => { if (ev.key === 'Escape') closeSheet(); });
    $('only-network').addEventListener('change', () => renderLog(true));
    if (!polling) loop();
  }

  start().catch(e => { document.body.prepend(el('p', { class: 'failure', text: `The simulator could not start: ${e.message}` })); });
})();
