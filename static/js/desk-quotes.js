// The quotes of the desk's article form (articles/admin.py QuoteInline). Each quote's "Insert in
// the text" button puts its marker at the body editor's cursor, or moves it there
// (static/js/quote-marker.js); each quote says whether the body places it; a quote added in the
// page gets a ref of its own, since the row it is copied from carries one for every copy.
"use strict"
;(() => {
  let editor = null

  const rows = () =>
    document.querySelectorAll("#quotes-group .inline-related:not(.empty-form)")
  const refInput = (row) => row.querySelector('input[name$="-ref"]')

  function newRef() {
    const bytes = crypto.getRandomValues(new Uint8Array(16))
    bytes[6] = (bytes[6] & 0x0f) | 0x40 // a version 4 UUID, as the server makes them
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
    const parts = [[0, 8], [8, 12], [12, 16], [16, 20], [20, 32]]
    return parts.map(([start, end]) => hex.slice(start, end)).join("-")
  }

  function placedRefs() {
    const refs = new Set()
    editor.state.doc.descendants((node) => {
      if (node.type.name === "quoteMarker") refs.add(node.attrs.ref)
      return !node.isTextblock
    })
    return refs
  }

  // Say, on each quote, whether the body places it; offer its button once the editor is there.
  function showPlaces() {
    if (!editor) return
    const refs = placedRefs()
    for (const row of rows()) {
      const status = row.querySelector(".quote-placement")
      const button = row.querySelector(".quote-insert")
      if (status) status.dataset.placed = String(refs.has(refInput(row)?.value))
      if (button) button.hidden = false
    }
  }

  // Tell the markers in the editor that a quote changed (speaker, words, deleted).
  function quotesChanged() {
    showPlaces()
    document.dispatchEvent(new CustomEvent("desk-quotes:changed"))
  }

  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea.name !== "body") return
    editor = event.detail.editor
    editor.on("update", showPlaces)
    quotesChanged()
  })

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#quotes-group .quote-insert")
    if (!button || !editor) return
    const ref = refInput(button.closest(".inline-related"))?.value
    if (ref) editor.chain().placeQuote(ref).focus().run()
  })

  document.addEventListener("formset:added", (event) => {
    if (event.detail?.formsetName !== "quotes") return
    const input = refInput(event.target)
    if (input) input.value = newRef()
    quotesChanged()
  })
  document.addEventListener("formset:removed", (event) => {
    if (event.detail?.formsetName === "quotes") quotesChanged()
  })

  for (const type of ["input", "change"]) {
    document.addEventListener(type, (event) => {
      if (event.target.closest?.("#quotes-group")) quotesChanged()
    })
  }
  // The speaker's autocomplete (select2) announces its choice through jQuery only.
  document.addEventListener("DOMContentLoaded", () => {
    window.django?.jQuery?.(document).on("change", "#quotes-group select", quotesChanged)
  })
})()
