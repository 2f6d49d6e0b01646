// superapp-shell: which page's code is running in the logic context of a WXML mini program.
//
// All pages' JS runs in this one context, yet each call a page's code makes must carry that
// page's webViewId (as if the page had made it itself). The shell's hooks and handlers run
// page code synchronously inside `run(pageId, fn)`; work that code schedules for later keeps
// its page: timers, intervals, queueMicrotask, Promise.then/catch/finally callbacks and the
// success/fail/complete callbacks of wx calls run as the page that scheduled them.
// A continuation after `await` (which JavaScriptCore resumes without a `then` we can see)
// runs as the page on top of the stack, as does code that no page scheduled.
//
// bridge.js reads `window.__superappActivePage` for each call and wraps callbacks with
// `window.__superappBind`.
(function () {
  'use strict';
  if (window.__wxmlPageContext) return;

  var active = null; // the page whose code runs now, or null
  var top = function () { return undefined; };
  // The last error that left a page's code, and that page: the window's `error` event
  // fires once `run` has unwound, so it asks here whose it was (console.js).
  var thrown = null;

  function run(page, fn, self, args) {
    var previous = active;
    active = page;
    try {
      return fn.apply(self, args);
    } catch (err) {
      // (the innermost page keeps it: an outer run rethrows the same error)
      if (page !== null && (thrown === null || thrown.error !== err)) thrown = { error: err, page: page };
      throw err;
    } finally {
      active = previous;
    }
  }

  /** The page whose code threw `error` last, if it left through `run` (once). */
  window.__superappThrownBy = function (error) {
    if (thrown === null || thrown.error !== error) return undefined;
    var page = thrown.page;
    thrown = null;
    return page;
  };

  // `fn` bound to the page running now (unchanged when none is).
  function bind(fn) {
    if (typeof fn !== 'function' || active === null) return fn;
    var page = active;
    return function () { return run(page, fn, this, arguments); };
  }

  Object.defineProperty(window, '__superappActivePage', {
    get: function () { return active !== null ? active : top(); }
  });
  window.__superappBind = bind;

  // This context is a hidden webview, where WebKit runs no animation frames (nor does
  // WeChat's logic layer have a display): a frame here is a 60 Hz timer, given the time as
  // a frame callback is.
  var timeout = window.setTimeout, clear = window.clearTimeout;
  window.requestAnimationFrame = function (fn) {
    return timeout(function () { fn(performance.now()); }, 16);
  };
  window.cancelAnimationFrame = function (id) { clear(id); };

  ['setTimeout', 'setInterval', 'queueMicrotask', 'requestAnimationFrame'].forEach(function (name) {
    var original = window[name];
    if (typeof original !== 'function') return;
    window[name] = function (fn) {
      var args = Array.prototype.slice.call(arguments);
      args[0] = bind(fn);
      return original.apply(window, args);
    };
  });

  var then = Promise.prototype.then;
  Promise.prototype.then = function (onFulfilled, onRejected) {
    return then.call(this, bind(onFulfilled), bind(onRejected));
  };

  window.__wxmlPageContext = Object.freeze({
    /** Runs fn(...args) as page `page`'s code. */
    run: function (page, fn) { return run(page, fn, undefined, []); },
    /** Sets where calls with no page go: fn() returns the top page's id. */
    fallback: function (fn) { top = fn; }
  });
})();
