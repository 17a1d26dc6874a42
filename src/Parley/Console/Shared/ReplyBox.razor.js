// Enter sends the reply (the form's submit), Shift+Enter keeps the browser's new line.
// Typing '/' at the start of a word opens the favourite replies, filtered as the advisor types (shortcut and title);
// arrows move, Enter or a click picks, Escape closes. The server renders the pick and it replaces the '/word' typed.
// In note mode '@' offers the account's advisors instead, and the pick inserts '@Name '.
export function bindReply(textarea, favourites, mentionables, server) {
  const picker = createPicker(textarea, favourites, mentionables, server);
  textarea.addEventListener('keydown', e => {
    if (picker.handles(e)) {
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      textarea.form.requestSubmit();
    }
  });
  textarea.addEventListener('input', () => picker.update());
  textarea.addEventListener('blur', () => setTimeout(() => picker.close(), 150));
  // The note toggle is read in the browser, at once: the server's class on the textarea comes a round trip later,
  // and an '@' typed meanwhile would be matched as plain text. A note can always be written, so the box opens at
  // once too: keys typed before the server's render would otherwise fall on a disabled box and be lost.
  textarea.form?.addEventListener('change', e => {
    if (e.target?.id === 'reply-note-mode') {
      if (e.target.checked) {
        textarea.disabled = false;
      }
      picker.update();
    }
  });
  textarea.parleyPicker = picker;
  // A '/' typed before this ran (the module loads after the first render) still opens the list.
  if (document.activeElement === textarea) {
    picker.update();
  }
}

export function setFavourites(textarea, favourites, mentionables) {
  textarea.parleyPicker?.setLists(favourites, mentionables);
}

// After a send: removes the text that was sent. What the advisor typed after it while the send was on its way (the
// textarea stays editable) is kept, and the server told of it as typing would.
export function clearSent(textarea, sent) {
  if (!textarea.value.startsWith(sent)) {
    textarea.focus();
    return;
  }
  const rest = textarea.value.slice(sent.length);
  textarea.value = rest;
  textarea.focus();
  if (rest !== '') {
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

function createPicker(textarea, favourites, mentionables, server) {
  const list = document.createElement('ul');
  list.id = 'favourite-picker';
  list.className = 'favourite-picker';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  textarea.insertAdjacentElement('beforebegin', list);
  let shown = [];
  let active = 0;
  let token = null;

  // The '/word' (or in note mode '@word') that ends at the caret, when it starts a word.
  function currentToken() {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, caret);
    const mention = textarea.form?.querySelector('#reply-note-mode')?.checked === true;
    const match = (mention ? /(^|\s)@([^\s@]*)$/ : /(^|\s)\/([^\s\/]*)$/).exec(before);
    return match ? { start: caret - match[2].length - 1, end: caret, query: match[2].toLowerCase(), mention } : null;
  }

  function render() {
    list.replaceChildren(...shown.map((f, i) => {
      const item = document.createElement('li');
      item.className = 'favourite-option' + (i === active ? ' active' : '');
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', i === active ? 'true' : 'false');
      item.dataset.id = String(f.id);
      const shortcut = document.createElement('span');
      shortcut.className = 'favourite-shortcut';
      shortcut.textContent = (f.name ? '@' : '/') + (f.name ?? f.shortcut);
      const title = document.createElement('span');
      title.className = 'favourite-title';
      title.textContent = f.title ?? '';
      item.append(shortcut, title);
      item.addEventListener('mousedown', e => { e.preventDefault(); pick(i); });
      return item;
    }));
    list.hidden = shown.length === 0;
  }

  async function pick(index) {
    const chosen = shown[index];
    const at = token;
    close();
    if (!chosen || !at) {
      return;
    }
    const text = at.mention ? '@' + chosen.name + ' ' : await server.invokeMethodAsync('RenderFavouriteAsync', chosen.id);
    if (text == null || textarea.value.charAt(at.start) !== (at.mention ? '@' : '/')) {
      return;
    }
    // Inserted as the textarea's value: text, never markup. The advisor can still edit before sending.
    textarea.value = textarea.value.slice(0, at.start) + text + textarea.value.slice(at.end);
    const caret = at.start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function close() {
    shown = [];
    token = null;
    render();
  }

  return {
    setLists(nextFavourites, nextMentionables) {
      favourites = nextFavourites || [];
      mentionables = nextMentionables || [];
      // The lists arrive after the conversation opens: a '/' already typed is matched against them at once.
      if (token) {
        this.update();
      }
    },
    update() {
      token = currentToken();
      if (!token) {
        close();
        return;
      }
      const q = token.query;
      const key = f => (f.name ?? f.shortcut).toLowerCase();
      shown = (token.mention ? mentionables : favourites)
        .filter(f => key(f).includes(q) || (f.title ?? '').toLowerCase().includes(q))
        .sort((a, b) => Number(!key(a).startsWith(q)) - Number(!key(b).startsWith(q)))
        .slice(0, 8);
      active = 0;
      render();
    },
    handles(e) {
      if (list.hidden || e.isComposing) {
        return false;
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        active = (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        render();
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        pick(active);
      } else if (e.key === 'Escape') {
        close();
      } else {
        return false;
      }
      e.preventDefault();
      return true;
    },
    close,
  };
}
