// The admin page's calls to the console's JSON API, made by the browser with the advisor's own session cookie.
export async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === null ? {} : { 'Content-Type': 'application/json' },
    body: body === null ? undefined : body,
  });
  return { status: response.status, body: await response.text() };
}
