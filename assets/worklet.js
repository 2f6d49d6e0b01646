// superapp-shell: wx.worklet and wx.router as WeChat has them when a Skyline page renders
// with WebView (this desktop has no Skyline): worklet functions run on the JS thread, and
// an animated style is applied to the render layer as inline styles.
// - shared(v), derived(fn): values (`.value`) that say when they change; setting `.value`
//   to timing / spring / decay / sequence / repeat / delay animates it frame by frame;
//   cancelAnimation stops it; runOnJS(fn) / runOnUI(fn) call fn (later / now); Easing.
// - page.applyAnimatedStyle(selector, updater, config?, callback?): the updater's style
//   object, drawn on the matching elements of the owner's template, again each time a
//   shared value it read changes; clearAnimatedStyle(selector, ids?, callback?).
// - wx.router: addRouteBuilder / removeRouteBuilder are kept (a custom route falls back
//   to the default one, as in WebView), getRouteContext gives the route's shared values.
(function () {
  'use strict';
  var wx = window.wx;
  if (!wx || window.__superappWorklet) return;
  var FRAME = 16;

  function report(err) { if (window.__superappReportError) window.__superappReportError(err, false); }

  // ---- shared values -----------------------------------------------------------------
  var tracking = null;
  function Shared(value) { this._value = value; this._subscribers = []; this._running = null; }
  Object.defineProperty(Shared.prototype, 'value', {
    get: function () { if (tracking) tracking.push(this); return this._value; },
    set: function (next) {
      stop(this);
      if (next && next.__superappAnimation) start(this, next);
      else this._set(next);
    }
  });
  Shared.prototype._set = function (value) {
    this._value = value;
    this._subscribers.slice().forEach(function (fn) { try { fn(); } catch (err) { report(err); } });
  };
  Shared.prototype._subscribe = function (fn) {
    var list = this._subscribers;
    list.push(fn);
    return function () { var at = list.indexOf(fn); if (at >= 0) list.splice(at, 1); };
  };

  // Runs fn, noting every shared value it reads.
  function tracked(fn) {
    var outer = tracking;
    tracking = [];
    try { return { value: fn(), deps: tracking.filter(function (d, i, all) { return all.indexOf(d) === i; }) }; }
    finally { tracking = outer; }
  }

  // Calls `changed` when a value `fn` read changes (re-reading what it reads each time).
  function watch(fn, changed) {
    var unsubscribe = [];
    var queued = false;
    function run() {
      unsubscribe.forEach(function (u) { u(); });
      var out = tracked(fn);
      unsubscribe = out.deps.map(function (d) { return d._subscribe(schedule); });
      changed(out.value);
    }
    function schedule() {
      if (queued) return;
      queued = true;
      Promise.resolve().then(function () { queued = false; run(); });
    }
    run();
    return function () { unsubscribe.forEach(function (u) { u(); }); unsubscribe = []; };
  }

  // ---- animations --------------------------------------------------------------------
  function stop(shared) {
    if (shared._running) { clearTimeout(shared._running.timer); var done = shared._running.done; shared._running = null; if (done) done(false); }
  }
  function start(shared, animation) {
    var stepper = animation.begin(typeof shared._value === 'number' ? shared._value : 0);
    var running = { timer: 0, done: animation.callback ? function (finished) { later(animation.callback, finished); } : null };
    shared._running = running;
    var t0 = Date.now();
    function frame() {
      if (shared._running !== running) return;
      var out = stepper(Date.now() - t0);
      shared._set(out.value);
      if (out.done) { shared._running = null; if (running.done) running.done(true); return; }
      running.timer = setTimeout(frame, FRAME);
    }
    frame();
  }
  function later(fn, arg) { setTimeout(function () { try { fn(arg); } catch (err) { report(err); } }, 0); }
  // An animation: begin(from) gives a stepper (elapsed ms -> {value, done}); toward(to), when
  // it has one, is the same animation toward another value (a reversed repeat uses it).
  function animation(begin, callback, toward) {
    return { __superappAnimation: true, begin: begin, callback: callback, toward: toward };
  }

  function timing(to, config, callback) {
    if (typeof config === 'function') { callback = config; config = {}; }
    config = config || {};
    var duration = config.duration === undefined ? 300 : Number(config.duration);
    var easing = config.easing || Easing.inOut(Easing.quad);
    // (Easing.bezier gives a factory, as Skyline's does)
    if (easing && typeof easing.factory === 'function') easing = easing.factory();
    return animation(function (from) {
      return function (elapsed) {
        var t = duration > 0 ? Math.min(1, elapsed / duration) : 1;
        return { value: from + (to - from) * easing(t), done: t >= 1 };
      };
    }, callback, function (other) { return timing(other, config); });
  }
  function spring(to, config, callback) {
    if (typeof config === 'function') { callback = config; config = {}; }
    config = config || {};
    var k = config.stiffness || 100, c = config.damping === undefined ? 10 : config.damping, m = config.mass || 1;
    var restSpeed = config.restSpeedThreshold || 2, restDistance = config.restDisplacementThreshold || 0.01;
    return animation(function (from) {
      var x = from, v = config.velocity || 0, last = 0;
      return function (elapsed) {
        for (var t = last; t < elapsed; t += 4) {
          var dt = Math.min(4, elapsed - t) / 1000;
          var a = (-k * (x - to) - c * v) / m;
          v += a * dt;
          x += v * dt;
          if (config.overshootClamping && (from < to ? x > to : x < to)) { x = to; v = 0; }
        }
        last = elapsed;
        var done = Math.abs(v) < restSpeed && Math.abs(x - to) < restDistance || elapsed > 10000;
        return { value: done ? to : x, done: done };
      };
    }, callback, function (other) { return spring(other, config); });
  }
  function decay(config, callback) {
    config = config || {};
    var deceleration = config.deceleration || 0.998;
    return animation(function (from) {
      var v0 = config.velocity || 0;
      return function (elapsed) {
        var factor = Math.pow(deceleration, elapsed);
        var x = from + (v0 / 1000) * (1 - factor) / (1 - deceleration);
        var v = v0 * factor;
        if (config.clamp) x = Math.min(config.clamp[1], Math.max(config.clamp[0], x));
        return { value: x, done: Math.abs(v) < 0.5 };
      };
    }, callback);
  }
  function sequence() {
    var parts = Array.prototype.slice.call(arguments);
    return animation(function (from) {
      var i = 0, offset = 0, current = parts.length ? parts[0].begin(from) : null, value = from;
      return function (elapsed) {
        while (current) {
          var out = current(elapsed - offset);
          value = out.value;
          if (!out.done) return { value: value, done: false };
          if (parts[i].callback) later(parts[i].callback, true);
          offset = elapsed;
          i++;
          current = i < parts.length ? parts[i].begin(value) : null;
        }
        return { value: value, done: true };
      };
    });
  }
  function repeat(anim, times, reverse, callback) {
    times = times === undefined ? 2 : times;
    return animation(function (from) {
      var round = 0, offset = 0, current = anim.begin(from);
      return function (elapsed) {
        var out = current(elapsed - offset);
        if (!out.done) return out;
        round++;
        if (times > 0 && round >= times) return { value: out.value, done: true };
        offset = elapsed;
        // (reversed: every other round goes back to where the first began)
        var back = reverse && round % 2 === 1 && anim.toward;
        current = (back ? anim.toward(from) : anim).begin(back ? out.value : from);
        return { value: out.value, done: false };
      };
    }, callback);
  }
  function delay(ms, anim) {
    return animation(function (from) {
      var inner = null;
      return function (elapsed) {
        if (elapsed < ms) return { value: from, done: false };
        inner = inner || anim.begin(from);
        return inner(elapsed - ms);
      };
    }, anim.callback);
  }

  // ---- easing ------------------------------------------------------------------------
  function bezier(x1, y1, x2, y2) {
    function at(a, b, t) { return 3 * a * t * (1 - t) * (1 - t) + 3 * b * t * t * (1 - t) + t * t * t; }
    return function (x) {
      if (x <= 0 || x >= 1) return x;
      var lo = 0, hi = 1, t = x;
      for (var i = 0; i < 30; i++) { t = (lo + hi) / 2; if (at(x1, x2, t) < x) lo = t; else hi = t; }
      return at(y1, y2, t);
    };
  }
  var Easing = {
    linear: function (t) { return t; },
    ease: bezier(0.25, 0.1, 0.25, 1),
    quad: function (t) { return t * t; },
    cubic: function (t) { return t * t * t; },
    poly: function (n) { return function (t) { return Math.pow(t, n); }; },
    sin: function (t) { return 1 - Math.cos((t * Math.PI) / 2); },
    circle: function (t) { return 1 - Math.sqrt(1 - t * t); },
    exp: function (t) { return t === 0 ? 0 : Math.pow(2, 10 * (t - 1)); },
    elastic: function (b) { b = b === undefined ? 1 : b; return function (t) { return 1 - Math.pow(Math.cos((t * Math.PI) / 2), 3) * Math.cos(t * b * Math.PI); }; },
    back: function (s) { s = s === undefined ? 1.70158 : s; return function (t) { return t * t * ((s + 1) * t - s); }; },
    bounce: function (t) {
      if (t < 1 / 2.75) return 7.5625 * t * t;
      if (t < 2 / 2.75) { t -= 1.5 / 2.75; return 7.5625 * t * t + 0.75; }
      if (t < 2.5 / 2.75) { t -= 2.25 / 2.75; return 7.5625 * t * t + 0.9375; }
      t -= 2.625 / 2.75; return 7.5625 * t * t + 0.984375;
    },
    /** A factory of the cubic Bézier easing (`{factory}`), as Skyline's bezier gives. */
    bezier: function (x1, y1, x2, y2) { var fn = bezier(x1, y1, x2, y2); return { factory: function () { return fn; } }; },
    /** The cubic Bézier easing itself. */
    cubicBezier: bezier,
    steps: function (n, roundToNextStep) { return function (t) { return (roundToNextStep === false ? Math.floor : Math.ceil)(t * n) / n; }; },
    in: function (e) { return e; },
    out: function (e) { return function (t) { return 1 - e(1 - t); }; },
    inOut: function (e) { return function (t) { return t < 0.5 ? e(t * 2) / 2 : 1 - e((1 - t) * 2) / 2; }; }
  };

  wx.worklet = {
    shared: function (value) { return new Shared(value); },
    derived: function (fn) {
      var out = new Shared(undefined);
      watch(fn, function (value) { out._set(value); });
      return out;
    },
    timing: timing, spring: spring, decay: decay, sequence: sequence, repeat: repeat, delay: delay,
    cancelAnimation: function (shared) { if (shared instanceof Shared) stop(shared); },
    runOnJS: function (fn) { return function () { var args = arguments; setTimeout(function () { fn.apply(null, args); }, 0); }; },
    runOnUI: function (fn) { return function () { return fn.apply(null, arguments); }; },
    Easing: Easing
  };

  var routeBuilders = {};
  wx.router = {
    /** A custom route's builder: kept; the page opens with the default route, as WeChat's
     *  WebView renderer opens it. */
    addRouteBuilder: function (type, builder) { routeBuilders[type] = builder; },
    removeRouteBuilder: function (type) { delete routeBuilders[type]; },
    getRouteContext: function () {
      var one = new Shared(1), zero = new Shared(0);
      return { primaryAnimation: one, primaryAnimationStatus: zero, secondaryAnimation: zero, secondaryAnimationStatus: zero,
        userGestureInProgress: new Shared(0), startUserGesture: function () {}, stopUserGesture: function () {}, didPop: function () {} };
    }
  };

  // applyAnimatedStyle for pages and components (assets/wxml/logic.js, component.js): the
  // style goes to the render layer through `send(selector, style)`.
  var nextStyle = 1;
  window.__superappWorklet = Object.freeze({
    applyAnimatedStyle: function (styles, send, selector, updater, config, callback) {
      if (typeof config === 'function') { callback = config; config = null; }
      var id = nextStyle++;
      var first = true;
      var unwatch = watch(updater, function (style) {
        send(String(selector), style && typeof style === 'object' ? style : {});
        if (first && typeof callback === 'function') { first = false; later(callback, { styleId: id }); }
      });
      (styles[selector] = styles[selector] || []).push({ id: id, stop: unwatch });
      return id;
    },
    clearAnimatedStyle: function (styles, send, selector, ids, callback) {
      if (typeof ids === 'function') { callback = ids; ids = null; }
      styles[selector] = (styles[selector] || []).filter(function (s) {
        if (ids && ids.indexOf(s.id) < 0) return true;
        s.stop();
        return false;
      });
      send(String(selector), null);
      if (typeof callback === 'function') later(callback);
    }
  });
})();
