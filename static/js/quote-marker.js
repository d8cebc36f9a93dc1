// The quote marker of article bodies, for django-prose-editor (DJANGO_PROSE_EDITOR_EXTENSIONS in
// newsroom/settings.py): a block standing for one quote of the article's quote inline, stored as
// <blockquote data-quote="ref"></blockquote>, which the article page replaces by the quote
// (articles/rendering.py). In the editor it reads as the quote: its speaker and first words.
// The inline's buttons insert it (static/js/desk-quotes.js); a journalist may also drag it.
import { mergeAttributes, Node, pm } from "django-prose-editor/editor"

const gettext = (text) => (window.gettext ? window.gettext(text) : text)
const WORDS = 12

function firstWords(text) {
  const words = text.trim().split(/\s+/)
  return words.length > WORDS ? `${words.slice(0, WORDS).join(" ")}…` : words.join(" ")
}

function quoted(words) {
  const format = gettext("“%(words)s”")
  return window.interpolate
    ? window.interpolate(format, { words }, true)
    : format.replace("%(words)s", words)
}

// The quote a ref names, as the inline holds it now; null if no row has it or it is deleted.
export function describeQuote(ref) {
  for (const input of document.querySelectorAll('#quotes-group input[name$="-ref"]')) {
    if (input.value !== ref || input.name.includes("__prefix__")) continue
    const row = input.closest(".inline-related")
    if (row.querySelector('input[name$="-DELETE"]')?.checked) return null
    const option = row.querySelector('select[name$="-speaker"]')?.selectedOptions[0]
    return {
      speaker: option?.value ? option.textContent.trim() : "",
      text: row.querySelector('textarea[name$="-text"]')?.value || "",
    }
  }
  return null
}

function render(dom, ref) {
  const quote = describeQuote(ref)
  const part = (className, text) => {
    const span = document.createElement("span")
    span.className = className
    span.textContent = text
    return span
  }
  dom.classList.toggle("quote-marker-missing", !quote)
  if (!quote) {
    dom.replaceChildren(part("quote-marker-kind", gettext("Quote not found")))
    return
  }
  const speaker = quote.speaker || gettext("No speaker chosen yet")
  const words = firstWords(quote.text)
  dom.replaceChildren(
    part("quote-marker-kind", gettext("Quote")),
    part("quote-marker-speaker", speaker),
    ...(words ? [part("quote-marker-words", quoted(words))] : []),
  )
}

export const QuoteMarker = Node.create({
  name: "quoteMarker",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      ref: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-quote"),
        renderHTML: (attributes) => ({ "data-quote": attributes.ref }),
      },
    }
  },

  parseHTML() {
    // Before the Blockquote extension's rule, which would take it for an empty blockquote.
    return [{ tag: "blockquote[data-quote]", priority: 100 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["blockquote", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div")
      dom.className = "quote-marker"
      let ref = node.attrs.ref
      const update = () => render(dom, ref)
      update()
      document.addEventListener("desk-quotes:changed", update)
      return {
        dom,
        update(changed) {
          if (changed.type.name !== "quoteMarker") return false
          ref = changed.attrs.ref
          update()
          return true
        },
        destroy() {
          document.removeEventListener("desk-quotes:changed", update)
        },
      }
    }
  },

  addCommands() {
    return {
      // Put the quote's marker after the block holding the cursor (before it, when the cursor
      // stands at the start of a paragraph), taking it from where it was.
      placeQuote:
        (ref) =>
        ({ state, tr, dispatch }) => {
          const type = state.schema.nodes[this.name]
          const { selection } = state
          const { $from } = selection
          let at
          if ($from.depth === 0) {
            at = selection.node ? selection.to : $from.pos // a block selected, or a gap
          } else {
            const atStart = $from.depth === 1 && $from.parentOffset === 0 && $from.parent.content.size
            at = atStart ? $from.before(1) : $from.after(1)
          }
          if (!dispatch) return true
          const placed = []
          tr.doc.descendants((child, pos) => {
            if (child.type === type && child.attrs.ref === ref) placed.push(pos)
            return !child.isTextblock
          })
          for (const pos of placed.reverse()) tr.delete(pos, pos + 1)
          at = tr.mapping.map(at)
          tr.insert(at, type.create({ ref }))
          // The cursor after the marker: typing never replaces it, the next quote follows it.
          tr.setSelection(pm.state.Selection.near(tr.doc.resolve(at + 1)))
          dispatch(tr.scrollIntoView())
          return true
        },
    }
  },
})
