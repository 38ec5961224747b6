"""Input generation for live problems (issue 14): constraints parsed from the
statement, typed random inputs that respect them, and validation of any input
against them. Pure functions: no I/O.

    cons = parse_constraints(problem.statement, problem.signature)
    result = generate_inputs(problem, seed=1)   # .inputs, .skipped_reason, ...
    violations = validate_input(cons, input_text, problem.signature)
"""

from agent.testgen.constraints import parse_constraints
from agent.testgen.generate import generate_inputs
from agent.testgen.model import Constraints, GeneratedInputs
from agent.testgen.validate import validate_input

__all__ = ["Constraints", "GeneratedInputs", "generate_inputs", "parse_constraints", "validate_input"]
