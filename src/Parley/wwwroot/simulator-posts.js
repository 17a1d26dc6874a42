/* Parley simulator, public posts: the brand's posts on the Facebook Page, Instagram and X with their comment threads,
   where the chosen customer comments, replies, edits and deletes. The network and the customer are the chat's (the
   page's hash, network/customerId). Everything shown comes from /simulator/api/posts; text is set with textContent. */
(() => {
  'use strict';
  const API = '/simulator/api/posts';
  const WORDING = {
    messenger: { title: 'La Posta · Facebook Page', post: 'Write something on La Posta\'s Page…', comment: 'Write a comment…', reply: 'Reply', hidden: 'Hidden by the Page · only you and your friends see it', privately: 'La Posta responded privately', send: 'Post' },
    instagram: { title: 'laposta · Instagram', post: 'Caption of your post mentioning @laposta…', comment: 'Add a comment…', reply: 'Reply', hidden: 'Hidden by laposta · only you see it', privately: 'laposta sent you a message', send: 'Share' },
    x: { title: 'La Posta @laposta', post: 'What is happening? (@laposta is added)', comment: 'Post your reply', reply: 'Reply', hidden: 'Hidden reply (hidden by @laposta)', privately: 'La Posta sent you a message', send: 'Post' },
  };
  const view = { on: false, network: null, customer: null, version: null, replyTo: null, timer: null };

  const { el, request } = window.SimulatorKit;
  const call = request(API);
  const when = iso => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const media = url => /^\/simulator\/media\/[a-z]+\.svg$/.test(url || '') ? url : null;
  const link = url => /^https:\/\//.test(url || '') ? url : null;

  // ---- the view switch, put above the phone ----
  const tabs = el('div', { class: 'views', role: 'tablist', 'aria-label': 'View' },
    el('button', { type: 'button', role: 'tab', id: 'view-chat', 'aria-selected': 'true', onclick: () => show(false), text: 'Private chat' }),
    el('button', { type: 'button', role: 'tab', id: 'view-posts', 'aria-selected': 'false', onclick: () => show(true), text: 'Public posts' }));
  const feed = el('div', { class: 'feed', id: 'feed', hidden: true, 'aria-live': 'polite' });

  function where() {
    const [network, customer] = location.hash.slice(1).split('/');
    return { network: network || document.body.dataset.network, customer: customer || null };
  }

  function show(on) {
    const { network } = where();
    view.on = on && !!WORDING[network];
    document.getElementById('view-chat').setAttribute('aria-selected', String(!view.on));
    document.getElementById('view-posts').setAttribute('aria-selected', String(view.on));
    document.getElementById('phone').hidden = view.on;
    feed.hidden = !view.on;
    view.version = null;
    if (view.on) refresh();
  }

  function sync() {
    const { network, customer } = where();
    document.getElementById('view-posts').disabled = !WORDING[network];
    document.getElementById('view-posts').title = WORDING[network] ? '' : 'WhatsApp has no public posts';
    if (network !== view.network || customer !== view.customer) {
      view.network = network;
      view.customer = customer;
      view.version = null;
      view.replyTo = null;
      if (view.on && !WORDING[network]) show(false);
      else if (view.on) refresh();
    }
  }

  async function refresh() {
    if (!view.on) return;
    const { network, customer } = view;
    const since = view.version !== null ? `&since=${view.version}` : '';
    const data = await call('GET', `?network=${network}&viewer=${customer || ''}${since}`).catch(e => ({ error: e.message }));
    if (!view.on || network !== view.network || customer !== view.customer) return;
    if (data.error) { feed.replaceChildren(el('p', { class: 'empty', text: data.error })); return; }
    if (!data.posts) return;
    view.version = data.version;
    render(data.posts);
  }

  // ---- rendering ----
  function render(posts) {
    const words = WORDING[view.network];
    const parts = [el('div', { class: 'feed-head', text: words.title })];
    if (!view.customer) parts.push(el('p', { class: 'empty', text: 'Choose or create a customer on the left to comment as them.' }));
    else parts.push(composer(words.post, words.send, text => act('POST', '', { network: view.network, customerId: view.customer, text })));
    parts.push(...posts.map(renderPost));
    const focused = document.activeElement?.dataset?.keep;
    const typed = focused ? document.activeElement.value : null;
    feed.replaceChildren(...parts);
    if (focused) {
      const again = feed.querySelector(`[data-keep="${focused}"]`);
      if (again) { again.value = typed; again.focus(); }
    }
  }

  function renderPost(p) {
    const words = WORDING[view.network];
    const top = p.comments.filter(c => !c.thread);
    const card = el('article', { class: `post${p.fromBrand ? '' : ' visitor'}` },
      el('header', {}, el('strong', { text: view.network === 'x' ? `${p.authorName} @${p.handle}` : p.authorName }),
        el('span', { class: 'when', text: when(p.at) + (p.edited ? ' · Edited' : '') })),
      el('p', { class: 'post-text', text: p.text }),
      media(p.mediaUrl) ? el('img', { class: 'post-media', src: media(p.mediaUrl), alt: 'Picture of the post' }) : null,
      el('div', { class: 'post-meta' },
        link(p.permalink) ? el('span', { class: 'permalink', text: p.permalink }) : null,
        p.liked ? el('span', { class: 'liked', text: '♥ Liked by La Posta' }) : null,
        p.privatelyReplied ? el('span', { class: 'private', text: `✉ ${words.privately}` }) : null,
        hook(p.webhookStatus)),
      own(p) ? actions(p, false) : null,
      el('ul', { class: 'thread' }, ...top.map(c => renderComment(c, p.comments.filter(r => r.thread === c.id)))));
    if (view.customer) card.append(composer(words.comment, words.send, text => act('POST', `/${view.network}/${p.id}/comments`, { customerId: view.customer, text }), `c-${p.id}`));
    return card;
  }

  function renderComment(c, replies) {
    const words = WORDING[view.network];
    const item = el('li', { class: `comment${c.fromBrand ? ' brand' : ''}${c.hidden ? ' hidden' : ''}` },
      el('div', { class: 'bubble-c' }, el('strong', { text: c.fromBrand ? `La Posta${view.network === 'x' ? ' @laposta' : ''} ✓` : c.authorName }), el('span', { text: c.text })),
      el('div', { class: 'c-meta' },
        el('span', { text: when(c.at) }),
        c.edited ? el('span', { text: 'Edited' }) : null,
        c.hidden ? el('span', { class: 'hidden-label', text: words.hidden }) : null,
        c.liked ? el('span', { class: 'liked', text: '♥ La Posta' }) : null,
        c.privatelyReplied ? el('span', { class: 'private', text: `✉ ${words.privately}` }) : null,
        hook(c.webhookStatus),
        view.customer ? el('button', { type: 'button', class: 'link', onclick: () => { view.replyTo = c.id; view.version = null; refresh(); }, text: words.reply }) : null,
        own(c) ? actions(c, true) : null));
    const sub = el('ul', { class: 'thread' }, ...replies.map(r => renderComment(r, [])));
    if (replies.length) item.append(sub);
    if (view.replyTo === c.id && view.customer) {
      item.append(composer(`Reply to ${c.fromBrand ? 'La Posta' : c.authorName}…`, words.send, async text => { view.replyTo = null; await act('POST', `/${view.network}/${c.id}/comments`, { customerId: view.customer, text }); }, `r-${c.id}`));
    }
    return item;
  }

  const own = x => !x.fromBrand && view.customer && x.authorId === view.customer;
  const hook = status => status === null || status === undefined ? null
    : el('span', { class: `hook${status >= 200 && status < 300 ? '' : ' bad'}`, title: 'What Parley\'s webhook endpoint answered', text: `webhook → ${status}` });

  function actions(x, isComment) {
    const box = el('span', { class: 'own' });
    if (view.network === 'messenger') {
      box.append(el('button', { type: 'button', class: 'link', text: 'Edit', onclick: () => {
        const text = prompt('Edit', x.text);
        if (text && text.trim() && text !== x.text) act('PUT', `/${view.network}/${x.id}`, { customerId: view.customer, text });
      } }));
    }
    box.append(el('button', { type: 'button', class: 'link', text: 'Delete', onclick: () => {
      if (confirm(`Delete this ${isComment ? 'comment' : 'post'}?`)) act('DELETE', `/${view.network}/${x.id}?customerId=${encodeURIComponent(view.customer)}`);
    } }));
    return box;
  }

  function composer(placeholder, label, submit, key = 'new-post') {
    const input = el('input', { placeholder, maxlength: view.network === 'x' ? 280 : 2200, 'aria-label': placeholder, 'data-keep': key });
    return el('form', { class: 'c-form', autocomplete: 'off', onsubmit: async ev => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      input.blur();
      await submit(text);
    } }, input, el('button', { type: 'submit', text: label }));
  }

  async function act(method, path, body) {
    try {
      await call(method, path, body);
    } catch (e) {
      alert(`The simulator could not do it: ${e.message}`);
    }
    view.version = null;
    refresh();
  }

  function start() {
    const phone = document.getElementById('phone');
    if (!phone) return;
    phone.before(tabs);
    phone.after(feed);
    window.addEventListener('hashchange', sync);
    sync();
    setInterval(() => { sync(); refresh(); }, 1500);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
