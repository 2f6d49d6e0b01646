// superapp smoke: pages that look the same on every run, so that a screenshot can be
// compared with a baseline. Injected into every webview of a smoke run, before the
// mini program's own scripts:
// - Math.random is seeded: the same sequence in every run;
// - Date starts at one fixed instant (2024-01-15 10:00 UTC+8) when the page starts, and
//   goes on with the page's own clock, so that code timing itself still works;
// - CSS animations and transitions end at once, and text carets are hidden;
// - a swiper does not autoplay (controls.js reads window.__superappStill).
// inspect.js finishes Web Animations before each look.
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

  var css = '*, *::before, *::after { animation-delay: -1ms !important; animation-duration: 1ms !important;' +
    ' animation-iteration-count: 1 !important; transition-duration: 0s !important; transition-delay: 0s !important;' +
    ' caret-color: transparent !important; }';
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
