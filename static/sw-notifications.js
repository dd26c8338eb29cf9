// Imported by the generated service worker (vite.config.ts workbox.importScripts): a click on a
// Leasehold notification focuses an open window on the notification's page, or opens one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || '/';
  const url = new URL(path, self.location.origin).href;
  event.waitUntil(openOn(url));
});

async function openOn(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const mine = windows.filter((w) => new URL(w.url).origin === self.location.origin);
  // Prefer a window already on that page, then the one the person last used.
  const open = mine.find((w) => w.url === url) || mine.find((w) => w.focused) || mine[0];
  if (!open) return self.clients.openWindow(url);
  // Focus first: browsers allow it only while the click is being handled.
  const focused = await open.focus().catch(() => open);
  if (focused.url === url) return focused;
  try {
    // navigate() works only on a window this worker controls; an uncontrolled one (a hard
    // reload) rejects, and a cross-origin end resolves null.
    return (await focused.navigate(url)) || focused;
  } catch {
    return self.clients.openWindow(url);
  }
}
