"""The scripted response engine: bindings, responders, validation, strict mode, tracking, defaults, token limits."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_assistants import Annotation, FakeAssistants, RunContext, ScriptError, Turn
from fake_assistants.script import OutputFile, ToolOutput

from ..support import T0, WEATHER

# every test that uses the emulator runs under both shapes: the real ones, and the spec's with a strict client
pytestmark = [pytest.mark.manual_clock(T0), pytest.mark.both_shapes]


def assistant(client: openai.OpenAI, name: str, **kwargs: Any) -> str:
    kwargs.setdefault("instructions", "Be brief.")  # a run needs instructions or a user message (invalid_thread)
    return client.beta.assistants.create(model="gpt-4o", name=name, **kwargs).id


def ask(client: openai.OpenAI, assistant_id: str, text: str, thread_id: str | None = None, **run: Any) -> Any:
    if thread_id is None:
        thread_id = client.beta.threads.create().id
    client.beta.threads.messages.create(thread_id, role="user", content=text)
    return client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id, **run)


def reply_of(client: openai.OpenAI, run: Any) -> str:
    message = client.beta.threads.messages.list(run.thread_id, run_id=run.id).data[0]
    return message.content[0].text.value  # type: ignore[union-attr,no-any-return]


# --- bindings --------------------------------------------------------------------------------------------------


def test_bound_turns_serve_their_assistant_thread_or_predicate(fake: FakeAssistants, client: openai.OpenAI) -> None:
    tutor = assistant(client, "Math Tutor")
    helper = assistant(client, "Helper")
    thread = client.beta.threads.create().id
    fake.script.reply("generic")
    fake.script.for_assistant("Math Tutor").reply("math by name")
    fake.script.for_assistant(helper).reply("helper by id")
    fake.script.for_thread(thread).reply("on that thread")
    fake.script.when(lambda ctx: "weather" in (ctx.last_user_message or "")).reply("weather talk")

    assert reply_of(client, ask(client, helper, "weather?")) == "helper by id"  # bound beats unbound
    assert reply_of(client, ask(client, tutor, "2+2?")) == "math by name"
    assert reply_of(client, ask(client, helper, "weather again?")) == "weather talk"
    assert reply_of(client, ask(client, helper, "hi", thread_id=thread)) == "on that thread"
    assert reply_of(client, ask(client, tutor, "more")) == "generic"
    assert fake.script.pending == ()


def test_fifo_within_a_binding_and_narrowed_bindings(fake: FakeAssistants, client: openai.OpenAI) -> None:
    tutor = assistant(client, "Math Tutor")
    thread = client.beta.threads.create().id
    tutoring = fake.script.for_assistant("Math Tutor")
    tutoring.reply("first")
    tutoring.reply("second")
    tutoring.for_thread(thread).reply("tutor on that thread")
    assert reply_of(client, ask(client, tutor, "a")) == "first"
    assert reply_of(client, ask(client, tutor, "b", thread_id=thread)) == "second"  # queue order among matches
    assert reply_of(client, ask(client, tutor, "c", thread_id=thread)) == "tutor on that thread"
    assert [entry.turn.ending.text for entry in fake.script.consumed] == [  # type: ignore[union-attr]
        "first",
        "second",
        "tutor on that thread",
    ]


# --- responders ------------------------------------------------------------------------------------------------


def test_a_responder_reads_the_run_context(fake: FakeAssistants, client: openai.OpenAI) -> None:
    seen: list[RunContext] = []

    @fake.script.respond_with
    def echo(ctx: RunContext) -> str:
        seen.append(ctx)
        return f"{ctx.assistant.name} heard: {ctx.last_user_message}"

    helper = assistant(client, "Helper", instructions="Be kind.", tools=[WEATHER])
    run = ask(client, helper, "ping", additional_instructions="Be brief.")
    assert reply_of(client, run) == "Helper heard: ping"
    (ctx,) = seen
    assert ctx.run_id == run.id and ctx.instructions == "Be kind.\n\nBe brief."
    assert ctx.function_names == ("get_weather",) and [m.text for m in ctx.messages] == ["ping"]
    assert ctx.tool_outputs == () and ctx.files.file_ids == ()
    with pytest.raises(TypeError):
        ctx.tools[0]["type"] = "code_interpreter"  # type: ignore[index]


def test_a_responder_drives_several_rounds_from_the_tool_outputs(fake: FakeAssistants, client: openai.OpenAI) -> None:
    @fake.script.respond_with
    def weather_bot(ctx: RunContext) -> Turn:
        if not ctx.tool_outputs:
            return Turn.call_function("get_weather", {"city": "Paris"})
        if len(ctx.tool_outputs) == 1:
            return Turn.call_function("get_weather", {"city": "Rome"})
        return Turn.reply(" / ".join(out.output for out in ctx.tool_outputs))

    helper = assistant(client, "Helper", tools=[WEATHER])
    run = ask(client, helper, "weather?")
    for output in ("sunny", "rainy"):
        assert run.status == "requires_action"
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": output}]
        )
    assert run.status == "completed" and reply_of(client, run) == "sunny / rainy"


def test_queued_turns_win_over_responders_and_none_passes(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.respond_with(lambda ctx: None)
    fake.script.for_assistant("Helper").respond_with(lambda ctx: "from the bound responder")
    fake.script.reply("queued")
    helper = assistant(client, "Helper")
    other = assistant(client, "Other")
    assert reply_of(client, ask(client, helper, "1")) == "queued"
    assert reply_of(client, ask(client, helper, "2")) == "from the bound responder"
    assert reply_of(client, ask(client, other, "3")).startswith("This is a default reply")


def test_tool_outputs_reach_the_context_with_their_calls(fake: FakeAssistants, client: openai.OpenAI) -> None:
    contexts: list[RunContext] = []
    fake.script.call_function("get_weather", {"city": "Oslo"})

    def record(ctx: RunContext) -> None:
        contexts.append(ctx)

    helper = assistant(client, "Helper", tools=[WEATHER])
    run = ask(client, helper, "Oslo?")
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "-3C"}]
    )
    fake.script.respond_with(record)
    ask(client, helper, "and now?", thread_id=run.thread_id)
    assert contexts[0].tool_outputs == ()  # a new run starts with none
    assert [m.role for m in contexts[0].messages] == ["user", "assistant", "user"]
    assert fake.script.consumed[0].run_id == run.id
    assert fake._backend.runs[run.id].tool_outputs == [ToolOutput(call.id, "get_weather", '{"city": "Oslo"}', "-3C")]


# --- validation and strict mode --------------------------------------------------------------------------------


def script_error(info: pytest.ExceptionInfo[openai.InternalServerError]) -> str:
    body: Any = info.value.body
    assert info.value.status_code == 500 and body["type"] == "fake_assistants_script_error"
    assert info.value.response.headers["x-should-retry"] == "false"
    return str(body["message"])


def test_calling_an_undeclared_function_is_a_script_error(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("launch_rockets")
    helper = assistant(client, "Helper", tools=[WEATHER])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "go"}]).id
    run = client.beta.threads.runs.create(thread_id=thread, assistant_id=helper)
    with pytest.raises(openai.InternalServerError) as info:
        client.beta.threads.runs.retrieve(run.id, thread_id=thread)
    message = script_error(info)
    assert "launch_rockets" in message and run.id in message and "get_weather" in message
    assert fake.script.errors == (message.removeprefix("fake_assistants script error: "),)
    assert len(fake.script.pending) == 1  # not consumed, and the run did not move
    assert fake._backend.runs[run.id].status == "queued"
    with pytest.raises(AssertionError, match="launch_rockets"):
        fake.script.assert_all_consumed()


@pytest.mark.parametrize(
    ("turn", "run_options", "needle"),
    [
        (Turn.call_function("get_weather").and_call("get_weather"), {"parallel_tool_calls": False}, "parallel"),
        (Turn.call_function("get_weather"), {"tool_choice": "none"}, "tool_choice 'none'"),
        (Turn.run_code("1+1"), {}, "code_interpreter"),
        (Turn.search_files("q"), {}, "file_search"),
    ],
)
def test_turns_the_run_could_not_play_are_script_errors(
    fake: FakeAssistants, client: openai.OpenAI, turn: Turn, run_options: dict[str, Any], needle: str
) -> None:
    fake.script.add(turn)
    helper = assistant(client, "Helper", tools=[WEATHER])
    with pytest.raises(openai.InternalServerError) as info:
        ask(client, helper, "go", **run_options)
    assert needle in script_error(info)


def test_strict_mode_names_the_unscripted_run(client: openai.OpenAI) -> None:
    fake = FakeAssistants(strict=True)
    client = fake.client()
    helper = assistant(client, "Helper")
    thread = client.beta.threads.create().id
    run = client.beta.threads.runs.create(thread_id=thread, assistant_id=helper)
    with pytest.raises(openai.InternalServerError) as info:
        client.beta.threads.runs.retrieve(run.id, thread_id=thread)
    assert run.id in script_error(info) and "strict" in script_error(info)
    fake.script.reply("now scripted")
    assert client.beta.threads.runs.poll(run.id, thread_id=thread).status == "completed"


def test_a_responder_that_raises_is_a_script_error(fake: FakeAssistants, client: openai.OpenAI) -> None:
    def broken(ctx: RunContext) -> str:
        raise KeyError("oops")

    fake.script.respond_with(broken)
    with pytest.raises(openai.InternalServerError) as info:
        ask(client, assistant(client, "Helper"), "hi")
    assert "broken raised KeyError" in script_error(info)


def test_chaining_after_a_run_took_the_turn_is_refused(fake: FakeAssistants, client: openai.OpenAI) -> None:
    queued = fake.script.reply("done")
    ask(client, assistant(client, "Helper"), "hi")
    with pytest.raises(ScriptError, match="already taken"):
        queued.then_fail()


def test_turn_building_mistakes_are_caught_at_once() -> None:
    with pytest.raises(ValueError, match="parallel call"):
        Turn.run_code("x").and_call("f")
    with pytest.raises(ValueError, match="already ends"):
        Turn.reply("x").then_reply("y")
    with pytest.raises(ValueError, match="not valid JSON"):
        Turn.call_function("f", "{not json")
    with pytest.raises(ValueError, match="marker"):
        Turn.reply("hello", [Annotation("file-abc", "【1†source】")])


# --- tracking and the plugin check ------------------------------------------------------------------------------


CHECKED_TEST = """
import pytest

@pytest.mark.fake_assistants(check_script=True)
def test_leaves_a_turn(fake_assistants):
    fake_assistants.script.reply("never played")

@pytest.mark.fake_assistants(check_script=True)
def test_plays_everything(fake_assistants, fake_openai_client):
    fake_assistants.script.reply("played")
    a = fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    t = fake_openai_client.beta.threads.create()
    fake_openai_client.beta.threads.runs.create_and_poll(thread_id=t.id, assistant_id=a.id)

def test_unchecked(fake_assistants):
    fake_assistants.script.reply("never played, and nobody asked")
"""


def test_the_plugin_checks_the_script_when_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CHECKED_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*turn never played*never played*"])


def test_the_ini_turns_the_check_on_for_every_test(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_assistants_check_script = true\n")
    pytester.makepyfile(CHECKED_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)


# --- defaults and effective parameters --------------------------------------------------------------------------


def test_tool_choice_naming_a_function_makes_the_default_turn_call_it(client: openai.OpenAI) -> None:
    helper = assistant(client, "Helper", tools=[WEATHER])
    run = ask(client, helper, "anything", tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert run.status == "requires_action"
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    assert (call.function.name, call.function.arguments) == ("get_weather", "{}")
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "ok"}]
    )
    assert run.status == "completed"
    assert ask(client, helper, "again", thread_id=run.thread_id, tool_choice="required").status == "requires_action"


def test_additional_messages_join_the_thread_before_the_run(fake: FakeAssistants, client: openai.OpenAI) -> None:
    seen: list[RunContext] = []
    fake.script.respond_with(lambda ctx: seen.append(ctx))
    helper = assistant(client, "Helper")
    thread = client.beta.threads.create().id
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread, assistant_id=helper, additional_messages=[{"role": "user", "content": "extra"}]
    )
    assert [m.text for m in seen[0].messages] == ["extra"]
    assert run.status == "completed"


def test_max_completion_tokens_cuts_the_reply_and_ends_incomplete(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.reply(" ".join(f"w{i}" for i in range(300)))
    run = ask(client, assistant(client, "Helper"), "talk", max_completion_tokens=256)
    assert run.status == "incomplete"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_completion_tokens"
    assert run.usage is not None and run.usage.completion_tokens == 256
    message = client.beta.threads.messages.list(run.thread_id, run_id=run.id).data[0]
    if fake.shapes == "spec":
        assert message.status == "incomplete" and message.incomplete_details is not None
        assert message.incomplete_details.reason == "max_tokens"
    else:  # the real API never showed a message's status over REST
        assert message.status is None and message.incomplete_details is None
    assert message.content[0].text.value.split()[-1] == "w255"  # type: ignore[union-attr]
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id).data
    assert step.type == "message_creation"


def test_max_prompt_tokens_ends_incomplete_before_any_step(fake: FakeAssistants, client: openai.OpenAI) -> None:
    long_question = " ".join(["why"] * 300)
    run = ask(client, assistant(client, "Helper"), long_question, max_prompt_tokens=256)
    assert run.status == "incomplete"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"
    assert client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id).data == []
    assert client.beta.threads.messages.list(run.thread_id, run_id=run.id).data == []


def test_prompt_budget_spans_the_rounds_of_a_run(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather").then_reply("done")
    helper = assistant(client, "Helper", tools=[WEATHER])
    run = ask(client, helper, " ".join(["city"] * 200), max_prompt_tokens=300)
    assert run.status == "requires_action"  # 200 prompt tokens so far
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}]
    )
    assert run.status == "incomplete"  # the reply would read 200+ more
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"


def test_annotations_land_where_their_markers_are(fake: FakeAssistants, client: openai.OpenAI) -> None:
    report = OutputFile("report.csv", b"city,temp\nOslo,-3\n")
    fake.script.run_code("df.to_csv('report.csv')", files=[report]).then_reply(
        "Here is the data【0†report.csv】.", [Annotation("report.csv", "【0†report.csv】", "file_path")]
    )
    helper = assistant(client, "Helper", tools=[{"type": "code_interpreter"}])
    run = ask(client, helper, "data?")
    message = client.beta.threads.messages.list(run.thread_id, run_id=run.id).data[0]
    (annotation,) = message.content[0].text.annotations  # type: ignore[union-attr]
    file_id = annotation.file_path.file_id  # type: ignore[union-attr]
    assert annotation.type == "file_path" and (annotation.start_index, annotation.end_index) == (16, 30)
    produced = client.files.retrieve(file_id)
    assert (produced.filename, produced.purpose) == ("report.csv", "assistants_output")
    assert client.files.content(file_id).read() == report.content


def test_code_images_become_step_outputs_and_image_file_parts(fake: FakeAssistants, client: openai.OpenAI) -> None:
    png = OutputFile("chart.png", b"\x89PNG\r\n\x1a\nfake")
    fake.script.run_code("plt.savefig('chart.png')", "saved", files=[png]).then_reply("Your chart.")
    run = ask(client, assistant(client, "Helper", tools=[{"type": "code_interpreter"}]), "plot")
    code_step = client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id, order="asc").data[0]
    logs, image = code_step.step_details.tool_calls[0].code_interpreter.outputs  # type: ignore[union-attr]
    assert logs.type == "logs" and image.type == "image"
    message = client.beta.threads.messages.list(run.thread_id, run_id=run.id).data[0]
    assert [part.type for part in message.content] == ["text", "image_file"]
    assert message.content[1].image_file.file_id == image.image.file_id  # type: ignore[union-attr]
    assert client.files.content(image.image.file_id).read() == png.content  # type: ignore[union-attr]


def test_citing_a_file_out_of_scope_is_a_script_error(fake: FakeAssistants, client: openai.OpenAI) -> None:
    elsewhere = client.files.create(file=("notes.txt", b"secret"), purpose="assistants").id
    other_thread = client.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "x",
                "attachments": [{"file_id": elsewhere, "tools": [{"type": "code_interpreter"}]}],
            }
        ]
    )
    assert other_thread.id
    fake.script.reply("As noted【1†notes.txt】.", [Annotation(elsewhere, "【1†notes.txt】")])
    with pytest.raises(openai.InternalServerError) as info:
        ask(client, assistant(client, "Helper", tools=[{"type": "code_interpreter"}]), "notes?")
    assert elsewhere in script_error(info) and "scope" in script_error(info)
