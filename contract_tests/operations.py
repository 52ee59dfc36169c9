"""The operations the contract suite holds to the spec, by the test module that drives them.

``coverage.py`` renders ``docs/coverage.md`` from these lists, and ``test_shapes.py`` fails when an implemented
operation is missing from them.
"""

from __future__ import annotations

# The file and vector store operations test_shapes_files.py holds to the spec.
FILE_OPERATIONS: frozenset[str] = frozenset(
    {
        "createFile",
        "listFiles",
        "retrieveFile",
        "downloadFile",
        "deleteFile",
        "createVectorStore",
        "getVectorStore",
        "modifyVectorStore",
        "deleteVectorStore",
        "listVectorStores",
        "createVectorStoreFile",
        "getVectorStoreFile",
        "updateVectorStoreFileAttributes",
        "deleteVectorStoreFile",
        "listVectorStoreFiles",
        "retrieveVectorStoreFileContent",
        "createVectorStoreFileBatch",
        "getVectorStoreFileBatch",
        "cancelVectorStoreFileBatch",
        "listFilesInVectorStoreBatch",
        "searchVectorStore",
    }
)

# The run step, tool output and create-and-run operations test_shapes_runs.py holds to the spec.
RUN_OPERATIONS: frozenset[str] = frozenset(
    {"listRunSteps", "getRunStep", "submitToolOuputsToRun", "createThreadAndRun"}
)

# Every operation the contract suite holds to the spec: the assistants, threads, messages and runs of
# test_shapes.py, and the two lists above. A newly implemented operation must be added here, with a test.
THREAD_OPERATIONS = frozenset(
    {
        "createThread",
        "getThread",
        "modifyThread",
        "deleteThread",
        "createMessage",
        "getMessage",
        "modifyMessage",
        "listMessages",
        "deleteMessage",
    }
)
"""The threads and messages operations (test_shapes.py's thread test covers each)."""

COVERED_OPERATIONS = (
    frozenset(
        {
            "createAssistant",
            "getAssistant",
            "modifyAssistant",
            "listAssistants",
            "deleteAssistant",
            "createRun",
            "getRun",
            "listRuns",
            "modifyRun",
            "cancelRun",
        }
    )
    | THREAD_OPERATIONS
    | FILE_OPERATIONS
    | RUN_OPERATIONS
)
