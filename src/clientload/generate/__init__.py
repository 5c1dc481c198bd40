"""A synthetic distributor with planted client behaviours, for demos, tests and benchmarks.

`generate_company` writes one Parquet file per input table of the contract (plus
`personas.parquet`, the ground truth); `suggested_departments` sizes the departments of the
settings to the generated company. See docs/generator.md.
"""

from clientload.generate.company import INPUT_TABLES, GeneratedCompany, generate_company
from clientload.generate.personas import PERSONA_CODES, PERSONAS, Persona
from clientload.generate.sizing import suggested_departments, used_minutes

__all__ = [
    "INPUT_TABLES",
    "PERSONAS",
    "PERSONA_CODES",
    "GeneratedCompany",
    "Persona",
    "generate_company",
    "suggested_departments",
    "used_minutes",
]
