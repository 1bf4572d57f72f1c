// The public survey form's progressive enhancement (Components/Surveys/PublicSurveyForm.razor). Without this file the
// form is one page posted as plain HTML. With it: one section at a time with a progress bar; skip rules (hidden and
// disabled, so nothing is posted; the server applies them again); required answers checked beside the question before
// moving on; and the answers kept in this browser (localStorage) until the form is sent. Nothing here talks to the
// server: the answers leave the phone only when "Gửi phiếu" posts the form (docs/decisions/0014 stays true).
(function () {
  'use strict';
  var SENT = 'chiso-phieu-gui', MESSAGE = 'Xin trả lời câu này.';

  // Private browsing or a full quota must not break the form: storage is a bonus.
  function get(area, k) { try { return window[area].getItem(k); } catch (e) { return null; } }
  function set(area, k, v) { try { window[area].setItem(k, v); } catch (e) { /* the form still works */ } }
  function remove(area, k) { try { window[area].removeItem(k); } catch (e) { /* nothing kept */ } }

  // The thank-you page: forget the draft of the form just sent.
  if (document.querySelector('[data-sent]')) {
    var sent = get('sessionStorage', SENT);
    if (sent) { remove('localStorage', sent); remove('sessionStorage', SENT); }
    return;
  }
  var f = document.getElementById('survey');
  if (!f) return;
  var key = f.getAttribute('data-store');
  var summary = document.getElementById('loi');
  // Back on the form: the last post was refused (or never made), so its draft stays.
  remove('sessionStorage', SENT);

  var sections = f.querySelectorAll('section.sec'), n = sections.length, current = 0;
  var send = document.getElementById('send');
  var progress = document.getElementById('progress');
  var paged = n > 1;

  function isAnswer(el) { return el.name && el.name.indexOf('a:') === 0; }
  function isChoice(el) { return el.type === 'radio' || el.type === 'checkbox'; }

  function applySkips() {
    var qs = f.querySelectorAll('[data-skip]');
    for (var i = 0; i < qs.length; i++) {
      var q = qs[i], src = document.getElementById('q-' + q.dataset.skip), e = f.elements['a:' + q.dataset.skip];
      var v = src && !src.hidden && e ? (e.value || '') : '';
      var skip = v.toLowerCase() === (q.dataset.skipValue || '').toLowerCase();
      q.hidden = skip;
      var inputs = q.querySelectorAll('input,textarea');
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = skip;
    }
  }

  function answered(q) {
    var inputs = q.querySelectorAll('input,textarea');
    for (var i = 0; i < inputs.length; i++) {
      if (isChoice(inputs[i]) ? inputs[i].checked : inputs[i].value.trim() !== '') return true;
    }
    return false;
  }

  // The same place, words and attributes as the server's message (PublicSurveyForm.razor), so both read alike.
  function target(q) { return q.querySelector('fieldset') || q.querySelector('input,textarea'); }
  function showError(q) {
    var box = q.querySelector('fieldset, .q'), id = 'e-' + q.dataset.q, p = document.getElementById(id);
    if (!p) { p = document.createElement('p'); p.className = 'err'; p.id = id; box.appendChild(p); }
    p.textContent = MESSAGE;
    box.classList.add('bad');
    target(q).setAttribute('aria-invalid', 'true');
    target(q).setAttribute('aria-describedby', id);
  }
  function clearError(q) {
    var p = document.getElementById('e-' + q.dataset.q);
    if (p) p.parentNode.removeChild(p);
    q.querySelector('fieldset, .q').classList.remove('bad');
    target(q).removeAttribute('aria-invalid');
    target(q).removeAttribute('aria-describedby');
  }
  function firstMissing(within) {
    var qs = within.querySelectorAll('[data-required]'), first = null;
    for (var i = 0; i < qs.length; i++) {
      if (qs[i].hidden || answered(qs[i])) continue;
      showError(qs[i]);
      first = first || qs[i];
    }
    return first;
  }
  function focusQuestion(q) {
    var el = q.querySelector('input:checked') || q.querySelector('input,textarea');
    if (el) el.focus();
  }
  function sectionOf(el) {
    for (var i = 0; i < n; i++) if (sections[i].contains(el)) return i;
    return 0;
  }

  function collect() {
    var answers = {};
    for (var i = 0; i < f.elements.length; i++) {
      var el = f.elements[i];
      if (!isAnswer(el) || el.disabled || (isChoice(el) ? !el.checked : el.value === '')) continue;
      (answers[el.name] = answers[el.name] || []).push(el.value);
    }
    return { a: answers, p: current };
  }
  function save() { if (key) set('localStorage', key, JSON.stringify(collect())); }
  function restore() {
    var draft;
    try { draft = JSON.parse(get('localStorage', key) || 'null'); } catch (e) { draft = null; }
    if (!draft || !draft.a || Object.keys(draft.a).length === 0) return null;
    for (var i = 0; i < f.elements.length; i++) {
      var el = f.elements[i], kept = draft.a[el.name];
      if (!isAnswer(el) || !kept) continue;
      if (isChoice(el)) el.checked = kept.indexOf(el.value) >= 0; else el.value = kept[0];
    }
    return draft;
  }

  function show(i, moveFocus) {
    current = i;
    for (var j = 0; j < n; j++) sections[j].hidden = j !== i;
    send.hidden = i !== n - 1;
    var title = sections[i].querySelector('h2');
    document.getElementById('progress-bar').value = i + 1;
    document.getElementById('progress-text').textContent = 'Phần ' + (i + 1) + '/' + n + ': ' + title.textContent;
    save();
    if (moveFocus) { title.focus({ preventScroll: true }); window.scrollTo(0, f.offsetTop - progress.offsetHeight); }
  }

  function button(text, cls, onClick) {
    var b = document.createElement('button');
    b.type = 'button'; b.textContent = text; if (cls) b.className = cls;
    b.addEventListener('click', onClick);
    return b;
  }
  if (paged) {
    for (var s = 0; s < n; s++) {
      var steps = document.createElement('div');
      steps.className = 'steps';
      if (s > 0) steps.appendChild(button('Quay lại', 'back', function () { show(current - 1, true); }));
      if (s < n - 1) steps.appendChild(button('Tiếp theo', '', function () {
        var missing = firstMissing(sections[current]);
        if (missing) focusQuestion(missing); else show(current + 1, true);
      }));
      sections[s].appendChild(steps);
    }
  }

  // The message goes as soon as the question is answered: on input, not only on change, because a change fires on leaving
  // a text box, and the layout moving under the pointer then would make the tap meant for the next question miss it.
  function answering(e) {
    var q = e.target.closest('[data-q]');
    if (q && answered(q)) clearError(q);
    save();
  }
  f.addEventListener('change', function (e) { applySkips(); answering(e); });
  f.addEventListener('input', answering);
  f.addEventListener('submit', function (e) {
    var missing = firstMissing(f);
    if (missing) {
      e.preventDefault();
      if (paged) show(sectionOf(missing), false);
      focusQuestion(missing);
      return;
    }
    set('sessionStorage', SENT, key);
  });

  applySkips();
  var start = 0, refused = null;
  if (summary) {
    // The server refused the form: open the section of its first message and put the cursor there.
    var bad = f.querySelector('[aria-invalid=true]');
    refused = bad && bad.closest('[data-q]');
    if (refused) start = sectionOf(refused);
    summary.addEventListener('click', function (e) {
      var link = e.target.closest('a[href^="#q-"]'), q = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!q) return;
      e.preventDefault();
      if (paged) show(sectionOf(q), false);
      focusQuestion(q);
    });
  } else {
    var draft = restore();
    if (draft) {
      applySkips();
      start = Math.min(draft.p || 0, n - 1);
      var note = document.createElement('div');
      note.className = 'note'; note.setAttribute('role', 'status');
      note.textContent = 'Đã khôi phục các câu trả lời Ông/Bà nhập trước đó trên máy này. ';
      note.appendChild(button('Xóa và trả lời lại từ đầu', '', function () {
        remove('localStorage', key);
        f.reset();
        applySkips();
        note.parentNode.removeChild(note);
        if (paged) show(0, true);
      }));
      progress.parentNode.insertBefore(note, progress);
    }
  }
  if (paged) { progress.hidden = false; show(start, false); }
  if (refused) focusQuestion(refused); else if (summary) summary.focus();
})();
