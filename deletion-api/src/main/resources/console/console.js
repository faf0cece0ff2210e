// Lethe console: enhancements only. Every page works without this script.
(function () {
  'use strict';

  // A button stays disabled until a field holds exactly the expected value (typed confirmations).
  document.querySelectorAll('[data-must-equal][data-enables]').forEach(function (input) {
    var button = document.getElementById(input.getAttribute('data-enables'));
    if (!button) { return; }
    var check = function () { button.disabled = input.value.trim() !== input.getAttribute('data-must-equal'); };
    input.addEventListener('input', check);
    check();
  });

  // The Item ID field only matters for item scopes.
  var scope = document.querySelector('[data-item-scope]');
  var item = document.querySelector('[data-item-field]');
  if (scope && item) {
    var toggle = function () { item.hidden = scope.value === 'PROFILE'; };
    scope.addEventListener('change', toggle);
    toggle();
  }

  // Live regions: refetch this page and swap the #live part until it says it is final.
  var live = document.getElementById('live');
  var refresh = function () {
    var current = document.getElementById('live');
    if (!current || !current.hasAttribute('data-live')) { return; }
    var every = parseInt(current.getAttribute('data-live'), 10) || 3000;
    setTimeout(function () {
      fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { if (!r.ok || r.redirected) { throw new Error('stop'); } return r.text(); })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, 'text/html').getElementById('live');
          var now = document.getElementById('live');
          if (next && now && !now.contains(document.activeElement)) { now.replaceWith(next); }
          refresh();
        })
        .catch(function () { /* signed out or offline: stop refreshing; a reload shows the state */ });
    }, every);
  };
  if (live) { refresh(); }
})();
