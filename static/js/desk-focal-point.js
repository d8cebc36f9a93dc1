// The lead photo's focal point in the desk's article form (articles/admin.py LeadPhotoInput): a
// click on the photo, or the arrow keys once it has the focus, set both fields and move the
// marker; the crops that cards and search engines show are outlined around it, cut as
// articles/images.py crop_box cuts them. A photo just chosen shows at once, its point in the
// centre. Without this script the photo shows alone and the two fields are typed by hand.
"use strict"
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector(".focal-picker")
  if (!picker) return
  const frame = picker.querySelector(".focal-picker-frame")
  const photo = picker.querySelector(".focal-picker-photo")
  const marker = picker.querySelector(".focal-picker-marker")
  const crops = picker.querySelectorAll(".focal-picker-crop")
  const across = document.getElementById(picker.dataset.focalX)
  const down = document.getElementById(picker.dataset.focalY)
  const file = document.getElementById(picker.dataset.file)
  if (!across || !down) return
  let chosen = null // the address of a photo chosen in this page, freed when another is

  const clamp = (value) => Math.min(1, Math.max(0, value))
  const read = (input) => {
    const value = parseFloat(input.value)
    return Number.isFinite(value) ? clamp(value) : 0.5
  }
  const percent = (share) => `${(share * 100).toFixed(3)}%`

  // The largest box of the ratio in the photo, centred on the point as far as the edges allow,
  // in shares of the photo's width and height.
  function cropBox(width, height, x, y, ratioAcross, ratioDown) {
    let boxWidth = width
    let boxHeight = Math.max(1, Math.round((width * ratioDown) / ratioAcross))
    if (width * ratioDown >= height * ratioAcross) {
      boxWidth = Math.max(1, Math.round((height * ratioAcross) / ratioDown))
      boxHeight = height
    }
    const left = Math.min(Math.max(Math.round(x * width - boxWidth / 2), 0), width - boxWidth)
    const top = Math.min(Math.max(Math.round(y * height - boxHeight / 2), 0), height - boxHeight)
    return { left: left / width, top: top / height, width: boxWidth / width, height: boxHeight / height }
  }

  function draw() {
    const x = read(across)
    const y = read(down)
    marker.style.left = percent(x)
    marker.style.top = percent(y)
    marker.hidden = false
    const width = photo.naturalWidth
    const height = photo.naturalHeight
    crops.forEach((crop) => {
      if (!width || !height) {
        crop.hidden = true
        return
      }
      const [ratioAcross, ratioDown] = crop.dataset.ratio.split(":").map(Number)
      const box = cropBox(width, height, x, y, ratioAcross, ratioDown)
      crop.style.left = percent(box.left)
      crop.style.top = percent(box.top)
      crop.style.width = percent(box.width)
      crop.style.height = percent(box.height)
      crop.hidden = false
    })
  }

  function set(x, y) {
    across.value = clamp(x).toFixed(3)
    down.value = clamp(y).toFixed(3)
    ;[across, down].forEach((input) => input.dispatchEvent(new Event("change", { bubbles: true })))
    draw()
  }

  frame.tabIndex = 0
  frame.setAttribute("role", "group")
  frame.setAttribute("aria-label", photo.alt)
  picker.querySelector(".focal-picker-help").hidden = false

  frame.addEventListener("click", (event) => {
    const box = photo.getBoundingClientRect()
    if (!box.width || !box.height) return
    set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height)
  })
  const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }
  frame.addEventListener("keydown", (event) => {
    const step = STEPS[event.key]
    if (!step) return
    event.preventDefault()
    const size = event.shiftKey ? 0.1 : 0.01
    set(read(across) + step[0] * size, read(down) + step[1] * size)
  })
  ;[across, down].forEach((input) => input.addEventListener("input", draw))
  photo.addEventListener("load", draw)

  if (file) {
    file.addEventListener("change", () => {
      const chosenFile = file.files && file.files[0]
      if (!chosenFile) return
      if (chosen) URL.revokeObjectURL(chosen)
      chosen = URL.createObjectURL(chosenFile)
      photo.removeAttribute("width") // the new photo's own shape, not the previous one's
      photo.removeAttribute("height")
      photo.src = chosen
      picker.hidden = false
      set(0.5, 0.5) // a new photo's subject is somewhere else: the centre until a click
    })
  }
  if (photo.complete) draw()
})
