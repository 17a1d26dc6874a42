// Enter sends the reply (the form's submit), Shift+Enter keeps the browser's new line.
export function bindReply(textarea) {
  textarea.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      textarea.form.requestSubmit();
    }
  });
}

export function clear(textarea) {
  textarea.value = '';
  textarea.focus();
}
