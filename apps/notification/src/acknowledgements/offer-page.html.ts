/** The small mobile page behind a page's link. It says no more than the page itself did. */
export function offerPageHtml(action: string): string {
  return page(`
    <h1>A colleague may benefit from peer support</h1>
    <p>You are being asked because you are a trained peer supporter on call. If you accept, you will see how to
    reach your colleague.</p>
    <form method="post" action="${action}">
      <button name="decision" value="accept" class="accept">Accept</button>
      <button name="decision" value="decline" class="decline">Not now</button>
    </form>`);
}

export function answeredPageHtml(message: string): string {
  return page(`<h1>${message}</h1><p>You can close this page.</p>`);
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Harbor peer support</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
button{display:block;width:100%;padding:1rem;margin:.75rem 0;font-size:1.1rem;border-radius:.5rem;border:0}
.accept{background:#1f6f43;color:#fff}.decline{background:#e5e7eb}</style></head><body>${body}</body></html>`;
}
