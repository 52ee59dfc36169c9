"""The seed's quickstart, Steps 1-4, verbatim but for one line: ``client = OpenAI()`` became ``fake.client()``.

``tests/test_quickstart.py`` checks this text against the seed file when ``../shared/seeds`` is present.
"""

STEPS_1_TO_4 = '''
from openai import OpenAI

client = fake.client()

assistant = client.beta.assistants.create(
    name="Math Tutor",
    instructions="You are a personal math tutor. Write and run code to answer math questions.",
    tools=[{"type": "code_interpreter"}],
    model="gpt-4o"
)

thread = client.beta.threads.create()

message = client.beta.threads.messages.create(
    thread_id=thread.id,
    role="user",
    content="I need to solve the equation `3x + 11 = 14`. Can you help me?"
)

run = client.beta.threads.runs.create_and_poll(
    thread_id=thread.id,
    assistant_id=assistant.id,
    instructions="Please address the user as Jane Doe. The user has a premium account."
)
'''
