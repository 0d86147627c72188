/* Form pages only. htmx settings that a static page cannot carry inline (CSP):
   no injected indicator <style>, no scripts from answers, and validation errors
   (422) and "too many posts" (429) swapped in like a normal answer. */
htmx.config.includeIndicatorStyles = false;
htmx.config.allowScriptTags = false;
htmx.config.allowEval = false;
htmx.config.responseHandling = [
  {code: "204", swap: false},
  {code: "[23]..", swap: true},
  {code: "422", swap: true},
  {code: "429", swap: true},
  {code: "[45]..", swap: false, error: true}
];
/* After a swap, move focus to the error summary or the thank-you panel, so a
   screen reader announces it and keyboard users continue from there. */
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.elt && event.detail.elt.querySelector
    ? (event.detail.elt.matches("[autofocus]") ? event.detail.elt : event.detail.elt.querySelector("[autofocus]"))
    : null;
  if (target) { target.focus(); }
});
