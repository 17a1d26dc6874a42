// A short two-note chime for a new help request, made with the Web Audio API (no sound file to serve).
// Browsers refuse audio before the user has interacted with the page: then it stays silent.
let context;

export function chime() {
  try {
    context ??= new (window.AudioContext || window.webkitAudioContext)();
    if (context.state === 'suspended') context.resume().catch(() => {});
    const start = context.currentTime;
    [880, 1320].forEach((frequency, i) => {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.15 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.15 + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(start + i * 0.15);
      tone.stop(start + i * 0.15 + 0.32);
    });
  } catch {
    // No audio in this browser: the badge is enough.
  }
}
