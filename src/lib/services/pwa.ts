/**
 * Service worker registration (workbox-window). The worker precaches the app shell; a new build
 * installs in the background and waits until the person chooses to reload, so a form in
 * progress is never swapped out from under them.
 */
export type UpdateState = { available: boolean; apply: () => void };

export async function registerServiceWorker(onUpdate: (apply: () => void) => void): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    onUpdate(() => {
      // Reload once the new worker has taken over.
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });
  try {
    await wb.register();
  } catch (error) {
    console.warn(
      'Leasehold could not register its service worker; offline start is unavailable.',
      error,
    );
  }
}
