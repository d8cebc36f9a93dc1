// The photo marker of article bodies, for django-prose-editor (DJANGO_PROSE_EDITOR_EXTENSIONS in
// newsroom/settings.py): a block standing for one photo of the library, stored as
// <figure data-photo="id"></figure>, which the article page replaces by the photo with its
// caption and credit as the library has them (articles/rendering.py). In the editor it reads as
// the photo: its thumbnail and caption. The toolbar's "Insert a photo" button opens a picker of
// the library (the desk's articles/admin.py PhotoAdmin.choices_view), whose address the body's
// textarea carries (data-photo-library).
import { mergeAttributes, Node, pm } from "django-prose-editor/editor"

const gettext = (text) => (window.gettext ? window.gettext(text) : text)

// The library's address, from the body's textarea (the desk's article form sets it).
function libraryUrl() {
  return document.querySelector("textarea[data-photo-library]")?.dataset.photoLibrary || null
}

// What the library says of each photo, by id: asked once per page and photo.
const known = new Map()

async function listPhotos(params) {
  const address = libraryUrl()
  if (!address) return []
  const response = await fetch(`${address}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) return []
  const { photos } = await response.json()
  for (const photo of photos) known.set(String(photo.id), Promise.resolve(photo))
  return photos
}

function describePhoto(id) {
  if (!known.has(id)) {
    known.set(
      id,
      listPhotos({ ids: id }).then((photos) => photos.find((photo) => String(photo.id) === id) || null),
    )
  }
  return known.get(id)
}

function part(tag, className, text) {
  const element = document.createElement(tag)
  element.className = className
  if (text !== undefined) element.textContent = text
  return element
}

function render(dom, id) {
  dom.replaceChildren(part("span", "photo-marker-kind", gettext("Photo")))
  describePhoto(id).then((photo) => {
    if (dom.dataset.photo !== id) return // the node shows another photo since
    dom.classList.toggle("photo-marker-missing", !photo)
    if (!photo) {
      dom.replaceChildren(part("span", "photo-marker-kind", gettext("Photo not found")))
      return
    }
    const thumbnail = part("img", "photo-marker-thumbnail")
    thumbnail.src = photo.thumbnail
    thumbnail.alt = photo.alt
    dom.replaceChildren(
      thumbnail,
      part("span", "photo-marker-kind", gettext("Photo")),
      part("span", "photo-marker-caption", photo.caption || photo.alt),
    )
  })
}

// The picker: the library's latest photos, or those a search finds; a click inserts one.
let picker = null

function openPicker(editor) {
  if (!picker) picker = buildPicker()
  picker.editor = editor
  picker.dialog.showModal()
  picker.search.value = ""
  picker.show({})
  picker.search.focus()
}

function buildPicker() {
  const dialog = part("dialog", "photo-picker")
  dialog.setAttribute("aria-labelledby", "photo-picker-title")
  const title = part("h2", "photo-picker-title", gettext("Insert a photo"))
  title.id = "photo-picker-title"
  const search = part("input", "photo-picker-search vTextField")
  search.type = "search"
  search.placeholder = gettext("Search the library (caption, credit, description)")
  search.setAttribute("aria-label", search.placeholder)
  const list = part("ul", "photo-picker-list")
  const status = part("p", "photo-picker-status help")
  status.setAttribute("role", "status")
  const close = part("button", "photo-picker-close button", gettext("Close"))
  close.type = "button"
  close.addEventListener("click", () => dialog.close())
  dialog.append(title, search, status, list, close)
  document.body.append(dialog)

  const state = { dialog, search, editor: null, asked: 0 }
  state.show = async (params) => {
    const asked = ++state.asked
    status.textContent = gettext("Loading…")
    const photos = await listPhotos(params)
    if (asked !== state.asked) return // a later search answered first
    status.textContent = photos.length ? "" : gettext("No photo found.")
    list.replaceChildren(
      ...photos.map((photo) => {
        const button = part("button", "photo-picker-choice")
        button.type = "button"
        button.dataset.photo = photo.id
        const thumbnail = part("img", "photo-picker-thumbnail")
        thumbnail.src = photo.thumbnail
        thumbnail.alt = ""
        button.append(thumbnail, part("span", "photo-picker-caption", photo.caption || photo.alt))
        if (photo.credit) button.append(part("span", "photo-picker-credit", photo.credit))
        const item = part("li", "photo-picker-item")
        item.append(button)
        return item
      }),
    )
  }
  let typing = null
  search.addEventListener("input", () => {
    clearTimeout(typing)
    typing = setTimeout(() => state.show(search.value.trim() ? { q: search.value.trim() } : {}), 250)
  })
  list.addEventListener("click", (event) => {
    const button = event.target.closest(".photo-picker-choice")
    if (!button || !state.editor) return
    dialog.close()
    state.editor.chain().focus().insertPhoto(button.dataset.photo).run()
  })
  return state
}

export const PhotoMarker = Node.create({
  name: "photoMarker",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      id: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.id }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]", priority: 100 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div")
      dom.className = "photo-marker"
      dom.dataset.photo = node.attrs.id
      render(dom, node.attrs.id)
      return {
        dom,
        update(changed) {
          if (changed.type.name !== "photoMarker") return false
          if (changed.attrs.id !== dom.dataset.photo) {
            dom.dataset.photo = changed.attrs.id
            render(dom, changed.attrs.id)
          }
          return true
        },
      }
    }
  },

  addMenuItems({ menu, buttons }) {
    if (!libraryUrl()) return // a body without the library (another form): no button
    menu.defineItem({
      name: "photoMarker",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", gettext("Insert a photo")),
      command(editor) {
        openPicker(editor)
      },
    })
  },

  addCommands() {
    return {
      // Put a photo's marker after the block holding the cursor (before it, when the cursor
      // stands at the start of a paragraph). A photo may stand in several places.
      insertPhoto:
        (id) =>
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
          tr.insert(at, type.create({ id: String(id) }))
          // The cursor after the marker: typing never replaces it.
          tr.setSelection(pm.state.Selection.near(tr.doc.resolve(at + 1)))
          dispatch(tr.scrollIntoView())
          return true
        },
    }
  },
})
