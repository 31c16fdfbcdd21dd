"""The `topics:` section of feeds.yaml: defaults, overrides, and config errors that say where."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from monitor.config import DEFAULT_CONFIG, ConfigError, load_settings, settings_from_data
from monitor.tagging import Tagger
from monitor.topics import BUILTIN_LISTS, TopicsConfig, check_term, resolve


def tags_of(config: TopicsConfig, title: str, summary: str = "") -> set[str]:
    return {hit.tag for hit in Tagger(config).tag(title=title, summary=summary)}


def config_error(topics: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        settings_from_data({"topics": topics}, "feeds.yaml")
    return str(caught.value)


def test_defaults_are_the_three_builtin_topics() -> None:
    config = TopicsConfig()
    assert config.builtin
    assert [topic.tag for topic in resolve(config)] == ["talent", "llama", "meta_ai"]
    assert set(Tagger(config).tags) == {"meta_ai", "llama", "talent"}


def test_repository_feeds_yaml_is_valid_and_keeps_the_builtins() -> None:
    settings = load_settings(DEFAULT_CONFIG)
    assert {"meta_ai", "llama", "talent"} <= set(Tagger(settings.topics).tags)


def test_bad_regex_names_the_topic_and_the_rule() -> None:
    message = config_error(
        {"tags": {"robots": {"rules": [{"name": "arms", "any": ["/(unclosed/"]}]}}}
    )
    assert message.startswith("feeds.yaml: topics.tags.robots.rules[0]: ")
    assert "rule 'arms'" in message and "bad regex" in message and "(unclosed" in message


def test_bad_regex_in_a_clause_and_in_a_list() -> None:
    message = config_error({"tags": {"robots": {"rules": [{"all": ["robot", ["/[z-a]/"]]}]}}})
    assert "topics.tags.robots.rules[0]" in message and "all[1]" in message
    message = config_error({"lists": {"bots": ["android", "/*/"]}})
    assert "topics.lists" in message and "bots" in message and "bad regex" in message


def test_a_clause_of_the_wrong_shape_gets_one_plain_message() -> None:
    """Not one message per form a clause may take, named by pydantic's internal types."""
    rules = [{"all": [["robot", ["arm"]], {"terms": ["x"], "bogus": 1}, 7]}]
    message = config_error({"tags": {"robots": {"rules": rules}}})
    lines = message.splitlines()
    assert lines == [
        "feeds.yaml: topics.tags.robots.rules[0].all[0]: a list of terms holds only text "
        "(a word, a phrase, a /regex/ or an @list), one level deep",
        "feeds.yaml: topics.tags.robots.rules[0].all[1].bogus: unknown key",
        "feeds.yaml: topics.tags.robots.rules[0].all[2]: a clause is a term, a list of terms, "
        "or a mapping with terms:, not 7",
    ]
    for internal in ("constrained-str", "Clause", "list["):
        assert internal not in message


def test_errors_are_pydantic_validation_errors() -> None:
    with pytest.raises(ValidationError):
        TopicsConfig.model_validate({"tags": {"x": {"rules": [{"any": ["/(/"]}]}}})


def test_unknown_list_and_unknown_key_are_errors() -> None:
    message = config_error({"tags": {"robots": {"rules": [{"name": "r", "any": ["@nope"]}]}}})
    assert "tags.robots.rules[0] (r)" in message and "unknown list @nope" in message
    message = config_error({"tags": {"robots": {"rules": [{"any": ["x"], "anywhere": True}]}}})
    assert "topics.tags.robots.rules[0].anywhere: unknown key" in message
    message = config_error({"tags": {"robots": {"rules": [{"any": ["x"], "in": ["body"]}]}}})
    assert "rules[0].in[0]" in message


def test_a_rule_needs_something_to_match() -> None:
    message = config_error({"tags": {"robots": {"rules": [{"name": "empty"}]}}})
    assert "rule 'empty': needs `any`, `all` or `requires`" in message


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        ("ai*", "at least 3 letters"),
        ("po*ach", "only allowed at the end"),
        ("--", "at least one letter or digit"),
        ("/x", "must end with '/'"),
        ("/a?/", "matches empty text"),
        ("@9bad", "bad list name"),
    ],
)
def test_term_syntax_errors(term: str, problem: str) -> None:
    message = check_term(term)
    assert message is not None and problem in message


def test_requires_cycle_is_an_error() -> None:
    message = config_error(
        {
            "tags": {
                "a": {"rules": [{"requires": ["b"], "any": ["x"]}]},
                "b": {"rules": [{"requires": ["a"], "any": ["y"]}]},
            }
        }
    )
    assert "`requires` forms a cycle" in message


def test_lists_that_refer_to_each_other_in_a_cycle_are_an_error() -> None:
    message = config_error(
        {
            "lists": {"one": ["@two"], "two": ["@one"]},
            "tags": {"t": {"rules": [{"any": ["@one"]}]}},
        }
    )
    assert "cycle" in message


def test_user_topic_is_added_next_to_the_builtins() -> None:
    config = TopicsConfig.model_validate(
        {"tags": {"robots": {"rules": [{"name": "humanoids", "any": ["humanoid robot*"]}]}}}
    )
    assert tags_of(config, "A humanoid robot folds laundry in a demo") == {"robots"}
    assert tags_of(config, "Meta AI gets a new voice") == {"meta_ai"}


def test_user_rules_extend_a_builtin_topic() -> None:
    config = TopicsConfig.model_validate(
        {"tags": {"talent": {"rules": [{"name": "mine", "any": ["revolving door"]}]}}}
    )
    hits = Tagger(config).tag(title="The revolving door at the big labs keeps spinning")
    assert [(hit.tag, hit.rule) for hit in hits] == [("talent", "mine")]
    # the built-in rules are still there
    assert "talent" in tags_of(config, "OpenAI hires a robotics researcher from Tesla")


def test_replace_and_disable_builtin_topics() -> None:
    config = TopicsConfig.model_validate(
        {
            "tags": {
                "talent": {"replace": True, "rules": [{"any": ["revolving door"]}]},
                "llama": {"enabled": False},
            }
        }
    )
    assert set(Tagger(config).tags) == {"talent", "meta_ai"}
    assert tags_of(config, "OpenAI hires a robotics researcher from Tesla") == set()
    assert tags_of(config, "The revolving door spins again") == {"talent"}


def test_builtin_off_leaves_only_the_users_topics() -> None:
    config = TopicsConfig.model_validate(
        {"builtin": False, "tags": {"robots": {"rules": [{"any": ["robot*"]}]}}}
    )
    assert Tagger(config).tags == ("robots",)
    with pytest.raises(ValidationError):  # built-in lists are gone too
        TopicsConfig.model_validate(
            {"builtin": False, "tags": {"robots": {"rules": [{"any": ["@ai"]}]}}}
        )


def test_a_user_list_can_extend_the_builtin_list_of_the_same_name() -> None:
    config = TopicsConfig.model_validate({"lists": {"ai_orgs": ["@ai_orgs", "Acme Minds"]}})
    assert "talent" in tags_of(config, "Acme Minds hires a new research director")
    assert "talent" in tags_of(config, "Anthropic hires a new research director")
    assert "Anthropic" in BUILTIN_LISTS["ai_orgs"]


def test_a_user_list_replaces_the_builtin_list_of_the_same_name() -> None:
    config = TopicsConfig.model_validate({"lists": {"ai_orgs": ["Acme Minds"]}})
    assert "talent" in tags_of(config, "Acme Minds hires a new research director")
    assert "talent" not in tags_of(config, "Anthropic hires a new research director")


def test_fields_exact_case_not_and_requires() -> None:
    config = TopicsConfig.model_validate(
        {
            "builtin": False,
            "tags": {
                "apple": {
                    "rules": [
                        {
                            "name": "company",
                            "all": ["=Apple", ["iPhone", "Mac", "Vision Pro"]],
                            "not": ["pie"],
                        },
                        {"name": "feed", "in": ["feed"], "any": ["Apple newsroom"]},
                    ]
                },
                "apple_ai": {"rules": [{"requires": ["apple"], "all": ["Siri"]}]},
                "deep": {"rules": [{"in": ["content"], "any": ["/\\bteardown\\b/"]}]},
            },
        }
    )
    tagger = Tagger(config)

    def tags(**story: str) -> set[str]:
        return {hit.tag for hit in tagger.tag(**story)}

    assert tags(title="Apple ships a new iPhone") == {"apple"}
    assert tags(title="apple pie recipes for the iPhone generation") == set()
    assert tags(title="Apple iPhone apple pie contest") == set()  # `not` vetoes
    assert tags(title="Siri learns to book tables", feed="Apple Newsroom") == {"apple", "apple_ai"}
    assert tags(title="Siri learns to book tables") == set()
    assert tags(title="A phone", content="Our teardown finds a bigger battery") == {"deep"}
    assert tagger.uses_content
    assert not Tagger(TopicsConfig()).uses_content


def test_ignore_blanks_phrases_before_matching() -> None:
    config = TopicsConfig.model_validate(
        {
            "builtin": False,
            "tags": {
                "python": {
                    "ignore": ["ball python*", "monty python"],
                    "rules": [{"any": ["Python"]}],
                }
            },
        }
    )
    assert tags_of(config, "Python 3.14 is out") == {"python"}
    assert tags_of(config, "Ball pythons make calm pets") == set()
    assert tags_of(config, "Monty Python reunion tour") == set()
