"""The content format: scene sources (`scene.yaml`) and packaged bundle manifests."""

from content_tools.format.manifest import AssetRef, BundleManifest
from content_tools.format.scene import (
    LANGUAGES,
    Action,
    ContinueAction,
    GrabPlaceAction,
    Hint,
    Language,
    LocalizedText,
    LookAtAction,
    QuizAction,
    QuizChoice,
    QuizQuestion,
    SceneMeta,
    SceneSource,
    Scoring,
    Script,
    SelectAction,
    Step,
)

__all__ = [
    "LANGUAGES",
    "Action",
    "AssetRef",
    "BundleManifest",
    "ContinueAction",
    "GrabPlaceAction",
    "Hint",
    "Language",
    "LocalizedText",
    "LookAtAction",
    "QuizAction",
    "QuizChoice",
    "QuizQuestion",
    "SceneMeta",
    "SceneSource",
    "Scoring",
    "Script",
    "SelectAction",
    "Step",
]
