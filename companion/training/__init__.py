"""Training: modules of lessons and quizzes, and the sessions trainers run with them (no Qt)."""
