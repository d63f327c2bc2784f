"""Present: a story on a projector. The stage fills the screen and holds only the slide: its title
once, the finding in large type, the chart without a toolbar, the note and source, and the
progress. Everything a presenter uses off stage (the slide's data, the story, the link, the
briefing pack, the offline deck) sits below it, out of view while presenting."""

import html
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from lib import config
from lib.data import export
from lib.figures.text_tables import markdown_text
from lib.present import briefing, deck, slides, static_images, story
from lib.ui import caching, shell, state

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


def paragraph(text: str, css_class: str) -> None:
    # Escaped, and "$" too: Streamlit's markdown would read "$...$" as mathematics.
    safe = html.escape(text).replace("$", "&#36;")
    st.markdown(f'<p class="{css_class}">{safe}</p>', unsafe_allow_html=True)


def live_view_url() -> str:
    """This page's address without the slide, for the offline deck's last slide."""
    parts = urlsplit(st.context.url or "")
    if not parts.netloc:
        return deck.DEFAULT_LIVE_URL
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


default, default_problem = caching.default_story()
current = st.session_state.get("present_story") or default
if default_problem and st.session_state.get("present_story") is None:
    st.warning(
        f"The default story cannot be used ({default_problem}). Showing the headline numbers only; "
        "load a story under “Story, link and briefing pack” below."
    )
index = state.setting("present", "slide")  # from the link once (?slide=3), kept inside the story

data = caching.slide_data()
spec = current.slides[index]
rendered = slides.render(data, spec)
text = slides.slide_text(rendered)
count = len(current.slides)

# ---------------------------------------------------------------- the stage: exactly one screen
with st.container(key="present-stage"):
    st.title(text.title, anchor=False)
    paragraph(text.finding, "present-finding")
    with st.container(key="present-body"):
        if rendered.numbers:
            for column, (label, value) in zip(st.columns(len(rendered.numbers)), rendered.numbers):
                column.metric(label, value)
        elif rendered.figure is not None:
            st.plotly_chart(
                slides.stage_figure(rendered.figure, slides.PRESENT_FONT_PX),
                key=f"present-chart-{index}",
                height="stretch",
                theme=None,
                config={"displayModeBar": False, "displaylogo": False, "responsive": True},
            )
    with st.container(key="present-foot", horizontal=True, vertical_alignment="bottom", gap="medium"):
        with st.container(key="present-credits"):
            if text.note:
                paragraph(text.note, "present-note")
            paragraph(text.source, "present-source")
        st.button(
            "← Previous",
            key="present-prev",
            on_click=step,
            args=(-1, current),
            disabled=index == 0,
            help="Left arrow or Page Up",
            type="tertiary",
        )
        st.markdown(
            f'<p class="present-progress" role="status" aria-label="slide {index + 1} of {count}">'
            f"{index + 1} / {count}</p>",
            unsafe_allow_html=True,
        )
        st.button(
            "Next →",
            key="present-next",
            on_click=step,
            args=(1, current),
            disabled=index == count - 1,
            help="Right arrow or Page Down",
            type="tertiary",
        )
st.html(KEYBOARD_JS, unsafe_allow_javascript=True)

# ---------------------------------------------------------------- off stage: below the screen
st.subheader("Presenter's tools", anchor=False)
if rendered.table is not None:
    with st.expander("Data on this slide"):
        st.dataframe(rendered.table, hide_index=True, width="stretch")
        st.download_button(
            "Download this slide's data (CSV)",
            lambda: export.to_csv_bytes(rendered.table),
            file_name=f"{export.slug(rendered.title)}.csv",
            mime="text/csv",
            key="present-slide-csv",
            on_click="ignore",
        )

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

    live_url = live_view_url()  # read now: the file is built later, outside this run
    st.download_button(
        "Download offline deck (HTML, one file)",
        lambda: deck.build(current, data, live_url).encode("utf-8"),
        file_name=f"{export.slug(current.title)}.html",
        key="present-deck",
        mime="text/html",
        width="stretch",
        type="primary",
        on_click="ignore",
        help="The whole story in one HTML file that opens in any browser with no network: "
        "arrow keys or a clicker step through it, and the charts stay interactive.",
    )

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
