// superapp smoke: pages that look the same on every run, so that a screenshot can be
// compared with a baseline. Injected into every webview of a smoke run, before the
// mini program's own scripts:
// - Math.random is seeded: the same sequence in every run;
// - Date starts at one fixed instant (2024-01-15 10:00 UTC+8) when the page starts, and
//   goes on with the page's own clock, so that code timing itself still works;
// - text carets are hidden;
// - a swiper does not autoplay (controls.js reads window.__superappStill).
// inspect.js ends every animation and transition before each look (an endless one is
// held at its start): pages keep their own timing, and their screenshots do not.
(function () {
  'use strict';
  if (window.__superappStill) return;
  window.__superappStill = true;

  // mulberry32: small, fast, and the same everywhere.
  var seed = 0x2f6b1d35;
  Math.random = function () {
    seed = (seed + 0x6d2b79f5) | 0;
    var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  var RealDate = window.Date;
  var start = RealDate.UTC(2024, 0, 15, 2, 0, 0);
  var origin = performance.now();
  function now() { return start + Math.floor(performance.now() - origin); }
  function StillDate() {
    if (!new.target) return new RealDate(now()).toString();
    var args = Array.prototype.slice.call(arguments);
    if (!args.length) args = [now()];
    return Reflect.construct(RealDate, args, new.target);
  }
  StillDate.prototype = RealDate.prototype;
  StillDate.now = now;
  StillDate.UTC = RealDate.UTC;
  StillDate.parse = RealDate.parse;
  window.Date = StillDate;

  // (animation and transition durations stay as they are: libraries wait for their
  // transitionend, and Vant's calendar showed nothing when they were cut to 0)
  var css = '*, *::before, *::after { caret-color: transparent !important; }';
  function still() {
    if (!document.head || document.getElementById('__superapp-still')) return;
    var style = document.createElement('style');
    style.id = '__superapp-still';
    style.textContent = css;
    document.head.appendChild(style);
  }
  if (document.head) still();
  else document.addEventListener('DOMContentLoaded', still);
})();
