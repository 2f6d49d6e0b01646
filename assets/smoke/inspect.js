// superapp smoke: what a person sees on a page, and what a person can tap. Injected into
// every webview of a smoke run (after the automation agent, assets/automation/agent.js),
// whose operations it adds to:
// - `inspect`: in the viewport, how many elements there are, how much text is visible,
//   and how many images (a loaded <image>/<img>, a canvas with something drawn on it, a
//   video, an svg, a background image) and boxes (a background other than the page's)
//   show with a size, not covered by something else; animations and transitions are
//   ended first (an endless one held at its start), so that a screenshot after it shows
//   the same every run;
// - `tappables`: the elements a person can tap (with a tap handler, a navigator, a
//   button), in document order, as element ids of the agent, at most `limit`.
(function () {
  'use strict';
  var ops = window.__superappAgentOps;
  if (!ops || ops.inspect) return;

  var SKIP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, HEAD: 1, META: 1, LINK: 1, TITLE: 1, NOSCRIPT: 1 };

  function shown(el, vw, vh) {
    var r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.right <= 0 || r.top >= vh || r.left >= vw) return false;
    var s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0.01;
  }

  // Whether a canvas has anything drawn on it (a 2d one: a pixel that is not blank).
  function drawn(canvas) {
    if (!canvas.width || !canvas.height) return false;
    var ctx;
    try { ctx = canvas.getContext('2d'); } catch (err) { return true; }
    if (!ctx) return true; // (a webgl canvas: its pixels cannot be read back here)
    try {
      var data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (var i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    } catch (err) {
      return true;
    }
  }

  // Whether what is at the middle of `rect` (in the viewport) is `el`, inside it, or
  // around it: not something drawn over it (a mask, a popup, a cover).
  function onTop(el, rect, vw, vh) {
    var x = Math.min(Math.max((rect.left + rect.right) / 2, 0), vw - 1);
    var y = Math.min(Math.max((rect.top + rect.bottom) / 2, 0), vh - 1);
    var hit = document.elementFromPoint(x, y);
    return !hit || hit === el || el.contains(hit) || hit.contains(el);
  }

  function transparent(colour) {
    return !colour || colour === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(colour);
  }

  // A style that draws a shape of its own: a background colour other than the page's, or
  // a border.
  function coloured(style, page) {
    if (!transparent(style.backgroundColor) && style.backgroundColor !== page) return true;
    return ['Top', 'Right', 'Bottom', 'Left'].some(function (side) {
      return parseFloat(style['border' + side + 'Width']) > 0 && style['border' + side + 'Style'] !== 'none' &&
        !transparent(style['border' + side + 'Color']) && style['border' + side + 'Color'] !== page;
    });
  }

  // A ::before or ::after that draws a shape (WeUI draws its dots and lines so).
  function pseudo(el, which, page) {
    var style = getComputedStyle(el, which);
    if (!style || style.content === 'none' || style.content === 'normal') return false;
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    return coloured(style, page) && (parseFloat(style.width) > 0 || parseFloat(style.height) > 0 || style.display === 'inline');
  }

  ops.inspect = function () {
    if (document.getAnimations) {
      // CSS animations and transitions and Web Animations end; an endless one (a
      // spinner) cannot, and is held at its start.
      document.getAnimations().forEach(function (a) {
        try {
          a.finish();
        } catch (err) {
          try { a.pause(); a.currentTime = 0; } catch (e) { /* as it is */ }
        }
      });
    }
    var vw = window.innerWidth, vh = window.innerHeight;
    var body = document.body;
    var page = body ? getComputedStyle(body).backgroundColor : '';
    var seen = { elements: 0, textLength: 0, images: 0, boxes: 0, awaitingFrames: 0 };
    if (!body) return seen;
    var all = body.getElementsByTagName('*');
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (SKIP[el.tagName]) continue;
      seen.elements++;
      if (!shown(el, vw, vh)) continue;
      var tag = el.tagName;
      if (el.__superappAwaitingFrame) seen.awaitingFrames++;
      var style = getComputedStyle(el);
      if (((tag === 'IMG' && el.naturalWidth > 0) || tag === 'VIDEO' || tag === 'svg' || tag === 'SVG' ||
          (tag === 'CANVAS' && drawn(el)) || /url\(/.test(style.backgroundImage)) && onTop(el, el.getBoundingClientRect(), vw, vh)) {
        seen.images++;
      } else if (coloured(style, page) || pseudo(el, '::before', page) || pseudo(el, '::after', page)) {
        if (onTop(el, el.getBoundingClientRect(), vw, vh)) seen.boxes++;
      }
      if ((tag === 'INPUT' || tag === 'TEXTAREA') && el.type !== 'hidden') {
        seen.textLength += String(el.value || el.placeholder || '').trim().length;
      }
    }
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    var range = document.createRange();
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (!text || !node.parentElement || SKIP[node.parentElement.tagName]) continue;
      range.selectNodeContents(node);
      var r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.top >= vh || r.right <= 0 || r.left >= vw) continue;
      var s = getComputedStyle(node.parentElement);
      if (s.visibility === 'hidden' || Number(s.opacity) <= 0.01 || s.color === s.backgroundColor) continue;
      if (!onTop(node.parentElement, r, vw, vh)) continue;
      seen.textLength += text.length;
    }
    return seen;
  };

  // What a person can tap: WXML handlers are `bind:tap`/`catch:tap` (the render layer
  // keeps them on its elements), HTML ones onclick; plus navigators and buttons.
  ops.tappables = function (a) {
    var limit = Math.max(0, Number(a.limit) || 0);
    var vw = window.innerWidth, vh = window.innerHeight;
    var found = [];
    var all = document.body ? document.body.getElementsByTagName('*') : [];
    for (var i = 0; i < all.length && found.length < limit; i++) {
      var el = all[i];
      var tag = el.tagName.toLowerCase();
      var handlers = (el.__wx && el.__wx.handlers) || [];
      var tappable = tag === 'wx-navigator' || tag === 'wx-button' || tag === 'button' || tag === 'a' ||
        typeof el.onclick === 'function' || el.hasAttribute('onclick') ||
        handlers.some(function (h) { return h.type === 'tap' || h.type === 'longpress'; });
      if (!tappable || !shown(el, vw, vh)) continue;
      var described = window.__superappAgentRegister(el);
      described.text = String(el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      found.push(described);
    }
    return { elements: found };
  };
})();
