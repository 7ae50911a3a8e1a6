"""The Bedrock backend against botocore's Stubber: request shape, reply parsing, error paths."""

from __future__ import annotations

from dialogue.generation import GenerationRequest, Message
from dialogue.generation.bedrock_backend import converse_arguments, reply_text
from dialogue.generation.compose import FALLBACK_ERROR, grounded_answer
from tests.dialogue.generation_harness import BEDROCK_MODEL, converse_response, stubbed_bedrock


def test_converse_arguments_follow_the_api_shape() -> None:
    request = GenerationRequest(
        messages=(Message("system", "Be brief."), Message("user", "Hi"), Message("assistant", "")),
        max_new_tokens=12,
        temperature=0.0,
        stop=("\n\n",),
    )

    assert converse_arguments("m", request) == {
        "modelId": "m",
        "system": [{"text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "inferenceConfig": {"maxTokens": 12, "temperature": 0.0, "stopSequences": ["\n\n"]},
    }


def test_a_conversation_must_start_with_a_user_turn() -> None:
    request = GenerationRequest(messages=(Message("user", "  "),))

    assert converse_arguments("m", request)["messages"][0]["role"] == "user"


def test_reply_text_joins_text_blocks() -> None:
    response = {"output": {"message": {"content": [{"text": "A "}, {"image": {}}, {"text": "B"}]}}}

    assert reply_text(response) == "A B"


def test_reply_usage_and_stop_reason_are_read() -> None:
    generator, stubber = stubbed_bedrock()
    request = GenerationRequest.from_prompt("How is it?", max_new_tokens=7)
    stubber.add_response(
        "converse",
        converse_response("It is good and", 7, "max_tokens"),
        expected_params=converse_arguments(BEDROCK_MODEL, request),
    )

    result = generator.generate(request)

    assert result.text == "It is good and"
    assert result.tokens == 7 and result.finish_reason == "length" and result.usable
    stubber.assert_no_pending_responses()


def test_service_error_becomes_an_error_generation_and_the_answer_falls_back() -> None:
    generator, stubber = stubbed_bedrock()
    stubber.add_client_error(
        "converse", service_error_code="ThrottlingException", service_message="Rate exceeded",
        http_status_code=429,
    )

    answer = grounded_answer(generator, "How is the battery?", ["The battery lasts two days."], semantic=False)

    assert answer.fallback == FALLBACK_ERROR and not answer.usable and answer.text == ""
    assert "ThrottlingException" in (answer.generation.error or "")


def test_filtered_content_is_not_used() -> None:
    generator, stubber = stubbed_bedrock()
    stubber.add_response("converse", converse_response("blocked", 1, "content_filtered"))

    result = generator.generate(GenerationRequest.from_prompt("Say something"))

    assert result.error is not None and "content_filtered" in result.error
    assert result.text == "" and not result.usable


def test_client_is_created_lazily_with_the_configured_region() -> None:
    from dialogue.generation.bedrock_backend import BedrockGenerator

    generator = BedrockGenerator("m", "eu-west-1")

    assert generator._client is None  # nothing built until first use
    generator.warm_up()
    assert generator.client().meta.region_name == "eu-west-1"
