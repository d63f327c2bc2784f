"""Present: step through a story on a projector; share it, load it, and download a briefing pack."""

import streamlit as st

from lib import config
from lib.data import export
from lib.figures.text_tables import markdown_text
from lib.present import briefing, slides, static_images, story
from lib.ui import caching, shell, state, widgets

KEYBOARD_JS = (config.PROJECT_ROOT / "assets" / "present_keys.html").read_text(encoding="utf-8")
st.html(config.PROJECT_ROOT / "assets" / "present.css")


def load_uploaded_story() -> None:
    upload = st.session_state.get("present-upload")
    if upload is None:
        return
    try:
        st.session_state["present_story"] = story.from_json(
            upload.getvalue(), capability_ids=list(caching.capability_names()), source=upload.name
        )
        st.session_state["present_slide"] = 0
        st.session_state["present_message"] = ("success", f"Loaded the story in {markdown_text(upload.name)}.")
    except story.StoryError as error:
        # The message quotes the file's own field names and values: escaped, so they stay text.
        st.session_state["present_message"] = ("error", f"This story cannot be used: {markdown_text(str(error))}")


def step(by: int, shown: story.Story) -> None:
    st.session_state["present_slide"] = story.clamp_index(st.session_state.get("present_slide", 0) + by, shown)


default, default_problem = caching.default_story()
current = st.session_state.get("present_story") or default
if default_problem and st.session_state.get("present_story") is None:
    st.warning(
        f"The default story cannot be used ({default_problem}). Showing the headline numbers only; "
        "load a story under “Story, link and briefing pack” below."
    )
if "present_slide" not in st.session_state:
    st.session_state["present_slide"] = story.index_from_url(st.query_params.get("slide"), current)
index = story.clamp_index(st.session_state["present_slide"], current)
state.sync_query_params({"slide": story.url_value(index)}, owned={"slide"})

data = caching.slide_data()
spec = current.slides[index]
rendered = slides.render(data, spec)

st.title(rendered.title)
if rendered.numbers:
    for column, (label, value) in zip(st.columns(len(rendered.numbers)), rendered.numbers):
        column.metric(label, value)
    st.markdown(rendered.finding)
elif rendered.figure is not None:
    widgets.chart(rendered.figure, key=f"present-{index}", finding=rendered.finding, data=rendered.table)
if rendered.note:
    st.caption(rendered.note)

previous, position, following = st.columns([1, 2, 1], vertical_alignment="center")
previous.button(
    "← Previous",
    key="present-prev",
    on_click=step,
    args=(-1, current),
    disabled=index == 0,
    width="stretch",
    help="Left arrow or Page Up",
)
position.markdown(
    f"<p style='text-align:center'>Slide {index + 1} of {len(current.slides)}</p>", unsafe_allow_html=True
)
following.button(
    "Next →",
    key="present-next",
    on_click=step,
    args=(1, current),
    disabled=index == len(current.slides) - 1,
    width="stretch",
    help="Right arrow or Page Down",
)
st.html(KEYBOARD_JS, unsafe_allow_javascript=True)

with st.expander("Story, link and briefing pack"):
    message = st.session_state.pop("present_message", None)
    if message:
        getattr(st, message[0])(message[1])
    st.markdown(
        f"**{current.title}** — "
        + "; ".join(f"{i + 1}. {slides.VIEW_LABELS[s.view]}" for i, s in enumerate(current.slides))
    )
    shell.share_link("present", container=st)
    left, right = st.columns(2)
    left.download_button(
        "Download this story (JSON)",
        story.to_json(current),
        file_name=f"{export.slug(current.title)}.json",
        mime="application/json",
        key="present-story-json",
        width="stretch",
    )
    right.file_uploader("Load a story (JSON)", type=["json"], key="present-upload", on_change=load_uploaded_story)
    if st.session_state.get("present_story") is not None and st.button("Back to the default story"):
        st.session_state.pop("present_story")
        st.session_state["present_slide"] = 0
        st.rerun()

    if not static_images.browser_available():
        st.info(
            "Chart images need the Chromium browser, which is not installed here: the briefing pack "
            "will show each chart's data as a table instead."
        )

    def pack_of(slides_to_show) -> bytes:
        chosen = story.Story(current.title, tuple(slides_to_show), current.subtitle)
        return briefing.build(chosen, data).content

    left, right = st.columns(2)
    left.download_button(
        "Download briefing pack (PPTX)",
        lambda: pack_of(current.slides),
        file_name=f"{export.slug(current.title)}.pptx",
        key="present-pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        width="stretch",
        type="primary",
        on_click="ignore",
    )
    right.download_button(
        "Briefing pack of this slide only (PPTX)",
        lambda: pack_of([spec]),
        file_name=f"{export.slug(rendered.title)}.pptx",
        key="present-pptx-slide",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        width="stretch",
        on_click="ignore",
    )
