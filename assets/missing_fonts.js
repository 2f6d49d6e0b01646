// superapp-shell: an icon font that cannot load (its CDN unreachable, offline) would draw
// each icon as the fallback font's box glyph. Instead, every style rule that names a font
// that failed to load draws its text transparent on a grey block: a visible placeholder of
// the icon's size. The terminal says which font once. In every page, on both page kinds.
(function () {
  'use strict';
  if (window.__superappMissingFonts || !document.fonts) return;
  window.__superappMissingFonts = true;
  var failed = [];
  var sheet = null;

  function unquote(name) { return String(name).trim().replace(/^["']|["']$/g, '').toLowerCase(); }

  function selectorsNaming(families) {
    var found = [];
    function visit(rules) {
      for (var i = 0; i < rules.length; i++) {
        var rule = rules[i];
        if (rule.cssRules && !rule.selectorText) { visit(rule.cssRules); continue; }
        if (!rule.style || !rule.selectorText || !rule.style.fontFamily) continue;
        var named = rule.style.fontFamily.split(',').map(unquote);
        if (named.some(function (f) { return families.indexOf(f) >= 0; })) found.push(rule.selectorText);
      }
    }
    Array.prototype.forEach.call(document.styleSheets, function (s) {
      if (s.ownerNode === sheet) return;
      try { visit(s.cssRules); } catch (err) { /* another origin's sheet */ }
    });
    return found;
  }

  function redraw() {
    if (!failed.length || !document.head) return;
    var selectors = selectorsNaming(failed);
    if (!sheet) {
      sheet = document.createElement('style');
      sheet.setAttribute('data-superapp', 'missing-fonts');
      document.head.appendChild(sheet);
    }
    var text = selectors.length
      ? selectors.join(',\n') + ' { color: transparent !important; background-color: rgba(127, 127, 127, 0.25) !important; border-radius: 3px; }'
      : '';
    if (sheet.textContent !== text) sheet.textContent = text;
  }

  function fail(family) {
    var name = unquote(family);
    if (!name || failed.indexOf(name) >= 0) return;
    failed.push(name);
    console.warn('[superapp] the font "' + name + '" did not load: what uses it shows grey placeholders');
    redraw();
  }

  // Each font face's `loaded` promise rejects when it fails (WebKitGTK fires no
  // loadingerror for the faces of style sheets); faces come with style sheets, so each new
  // one is watched as the head changes.
  var watched = new WeakSet();
  function watchFaces() {
    document.fonts.forEach(function (face) {
      if (watched.has(face)) return;
      watched.add(face);
      face.loaded.then(null, function () { fail(face.family); });
    });
  }
  function watchHead() {
    if (!document.head) return;
    watchFaces();
    new MutationObserver(function (records) {
      // (not for this script's own sheet)
      var others = records.some(function (r) {
        return r.target !== sheet && !(r.target.parentNode === sheet) &&
          !Array.prototype.every.call(r.addedNodes, function (n) { return n === sheet; });
      });
      if (!others) return;
      // (a new sheet's faces join document.fonts once its styles are worked out)
      watchFaces();
      setTimeout(watchFaces, 50);
      document.fonts.ready.then(watchFaces);
      if (failed.length) redraw();
    }).observe(document.head, { childList: true, subtree: true, characterData: true });
  }
  if (document.head) watchHead();
  else document.addEventListener('DOMContentLoaded', watchHead);
  document.addEventListener('DOMContentLoaded', watchFaces);
})();
