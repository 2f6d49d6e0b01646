// superapp-shell: WeChat's canvas in every page, on both page kinds.
//
// - `<canvas type="2d">`: `wx.createSelectorQuery().select('#c').fields({node: true})`
//   gives the page's JS a Canvas (`width`, `height`, `getContext('2d')`, `createImage()`,
//   `requestAnimationFrame`, `toDataURL`...). On an HTML page it is the page's own canvas.
//   On a WXML page the JS runs in the logic context, away from the render webview where
//   the canvas is drawn: it draws on a canvas of its own there (every read, measureText or
//   getImageData, answers at once), and each frame it changed is sent, as an image, to the
//   render webview, which shows it.
// - The old API, `wx.createCanvasContext(canvasId)` with `<canvas canvas-id>`: the calls
//   are recorded and `draw(reserve, callback)` sends them to where the canvas is drawn,
//   which replays them on it.
(function () {
  'use strict';
  if (window.__superappCanvas) return;
  window.__superappCanvas = true;
  var wx = window.wx;
  // (the WXML logic context's runtime loads after this script: asked when a node is made)
  function inLogic() { return !!window.__wxmlLogic; }

  // ---- where a canvas is drawn ------------------------------------------------------------
  var drawn = {}; // id -> element (wx-canvas, or an HTML canvas)
  var nextId = 1;
  function surface(el) {
    if (el.localName === 'canvas') return el;
    var inner = el.__wx && el.__wx.inners && el.__wx.inners.main;
    return inner && inner.localName === 'canvas' ? inner : el.querySelector('canvas');
  }
  /** The number of a canvas element of this page (null for any other element). */
  window.__superappCanvasId = function (el) {
    if (el.localName !== 'wx-canvas' && el.localName !== 'canvas') return null;
    if (!el.__superappCanvasId) {
      el.__superappCanvasId = nextId++;
      drawn[el.__superappCanvasId] = el;
      // (a WXML page's canvas is drawn by the logic context: until its first frame comes,
      // QA knows the page is still drawing: assets/smoke/inspect.js)
      if (window.__wxmlRender) el.__superappAwaitingFrame = true;
    }
    return el.__superappCanvasId;
  };
  /** A frame sent by the logic context: shows it on canvas `id`. */
  window.__superappCanvasFrame = function (m) {
    var el = drawn[m.canvas];
    var canvas = el && surface(el);
    if (!canvas) return;
    el.__superappAwaitingFrame = false;
    var image = new Image();
    image.onload = function () {
      if (canvas.width !== m.width) canvas.width = m.width;
      if (canvas.height !== m.height) canvas.height = m.height;
      var ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0);
    };
    image.src = m.image;
  };

  // The old API's recorded calls, replayed on `canvas` (`reserve`: keep what is there).
  var SETTERS = {
    setFillStyle: 'fillStyle', setStrokeStyle: 'strokeStyle', setLineWidth: 'lineWidth', setLineCap: 'lineCap',
    setLineJoin: 'lineJoin', setMiterLimit: 'miterLimit', setGlobalAlpha: 'globalAlpha', setTextAlign: 'textAlign',
    setTextBaseline: 'textBaseline'
  };
  window.__superappCanvasReplay = function (canvas, ops, reserve) {
    if (canvas.width !== canvas.clientWidth && canvas.clientWidth) canvas.width = canvas.clientWidth;
    if (canvas.height !== canvas.clientHeight && canvas.clientHeight) canvas.height = canvas.clientHeight;
    var ctx = canvas.getContext('2d');
    if (!reserve) ctx.clearRect(0, 0, canvas.width, canvas.height);
    ops.forEach(function (op) {
      var name = op[0], args = op[1] || [];
      if (name === '=') { ctx[args[0]] = args[1]; return; }
      if (SETTERS[name]) { ctx[SETTERS[name]] = args[0]; return; }
      if (name === 'setFontSize') { ctx.font = args[0] + 'px sans-serif'; return; }
      if (name === 'setShadow') {
        ctx.shadowOffsetX = args[0]; ctx.shadowOffsetY = args[1]; ctx.shadowBlur = args[2]; ctx.shadowColor = args[3];
        return;
      }
      if (name === 'setLineDash') { ctx.setLineDash(args[0] || []); ctx.lineDashOffset = args[1] || 0; return; }
      if (typeof ctx[name] === 'function') ctx[name].apply(ctx, args);
    });
  };

  // ---- the page's JS: Canvas nodes -------------------------------------------------------
  window.__superappCanvasNode = function (marker) {
    return inLogic() ? logicNode(marker) : ownNode(marker);
  };
  // An HTML page draws where its JS runs: the node is the canvas itself.
  function ownNode(marker) {
      var el = drawn[marker.__canvas];
      var canvas = el && surface(el);
      if (!canvas) return null;
      canvas.createImage = function () { return new Image(); };
      canvas.requestAnimationFrame = function (cb) { return window.requestAnimationFrame(cb); };
      canvas.cancelAnimationFrame = function (id) { window.cancelAnimationFrame(id); };
      return canvas;
  }
  // A WXML page: the JS draws on a canvas here; changed frames go to the render webview.
  function logicNode(marker) {
      var page = window.__superappActivePage;
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(marker.width) || 300;
      canvas.height = Math.round(marker.height) || 150;
      var queued = false;
      // (its page unloaded: its frames and animation frames stop, as its canvas is gone)
      var alive = function () { return !window.__wxmlLogic || !!window.__wxmlLogic.page(page); };
      var flush = function () {
        queued = false;
        if (window.__wxmlCanvasSend && alive()) {
          window.__wxmlCanvasSend(page, {
            kind: 'canvas', canvas: marker.__canvas, width: canvas.width, height: canvas.height,
            image: canvas.toDataURL('image/png')
          });
        }
      };
      var changed = function () {
        if (queued) return;
        queued = true;
        setTimeout(flush, 16);
      };
      var getContext = canvas.getContext.bind(canvas);
      var contexts = {};
      canvas.getContext = function (type) {
        if (contexts[type]) return contexts[type];
        var real = getContext(type === 'webgl' ? 'webgl' : type, type === 'webgl' ? { preserveDrawingBuffer: true } : undefined);
        if (!real) return null;
        // Any call or change of the context may draw: the frame is sent after it.
        contexts[type] = new Proxy(real, {
          get: function (target, name) {
            var value = target[name];
            if (typeof value !== 'function') return value;
            return function () { changed(); return value.apply(target, arguments); };
          },
          set: function (target, name, value) { target[name] = value; changed(); return true; }
        });
        return contexts[type];
      };
      ['width', 'height'].forEach(function (name) {
        var proto = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, name);
        Object.defineProperty(canvas, name, {
          get: function () { return proto.get.call(canvas); },
          set: function (v) { proto.set.call(canvas, v); changed(); }
        });
      });
      canvas.createImage = function () { return new Image(); };
      canvas.requestAnimationFrame = function (cb) {
        return window.requestAnimationFrame(function (time) { if (alive()) cb(time); });
      };
      canvas.cancelAnimationFrame = function (id) { window.cancelAnimationFrame(id); };
      canvas.createImageData = function (w, h) { return getContext('2d').createImageData(w, h); };
      canvas.createPath2D = function (path) { return new Path2D(path); };
      return canvas;
  }

  // ---- the old API: wx.createCanvasContext(canvasId) ---------------------------------------
  var METHODS = ['fillRect', 'strokeRect', 'clearRect', 'fillText', 'strokeText', 'beginPath', 'closePath', 'moveTo',
    'lineTo', 'arc', 'arcTo', 'rect', 'quadraticCurveTo', 'bezierCurveTo', 'fill', 'stroke', 'clip', 'save', 'restore',
    'scale', 'rotate', 'translate', 'transform', 'setTransform', 'drawImage'];
  if (wx) {
    /** wx.createCanvasContext(canvasId, component?): WeChat's recorded canvas calls. */
    wx.createCanvasContext = function (canvasId, component) {
      var ops = [];
      var context = {};
      METHODS.concat(Object.keys(SETTERS), ['setFontSize', 'setShadow', 'setLineDash']).forEach(function (name) {
        context[name] = function () {
          var args = Array.prototype.slice.call(arguments);
          // (an image is drawn from its address)
          if (name === 'drawImage' && args[0] && typeof args[0] === 'object' && args[0].src) args[0] = args[0].src;
          ops.push([name, args]);
        };
      });
      ['fillStyle', 'strokeStyle', 'lineWidth', 'font', 'globalAlpha', 'textAlign', 'textBaseline', 'lineCap',
        'lineJoin'].forEach(function (prop) {
        Object.defineProperty(context, prop, { set: function (v) { ops.push(['=', [prop, v]]); } });
      });
      context.measureText = function (text) {
        var c = document.createElement('canvas').getContext('2d');
        return { width: c.measureText(String(text)).width };
      };
      /** Sends the recorded calls to the canvas (clearing it first, unless `reserve`). */
      context.draw = function (reserve, callback) {
        var batch = ops;
        ops = [];
        var done = typeof callback === 'function' ? callback : function () {};
        if (window.__wxmlCanvasDraw) {
          window.__wxmlCanvasDraw(component, String(canvasId), batch, !!reserve, done);
          return;
        }
        var el = document.querySelector('canvas[canvas-id="' + CSS.escape(String(canvasId)) + '"], wx-canvas[canvas-id="' +
          CSS.escape(String(canvasId)) + '"]');
        if (el && surface(el)) window.__superappCanvasReplay(surface(el), batch, !!reserve);
        setTimeout(done, 0);
      };
      return context;
    };
  }
})();
