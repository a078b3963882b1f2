-- Which shape a company's apps get for the two answers whose docs and vendor spec disagree in kind
-- (an array in the docs, an object in the spec): 'docs' (the default) or 'spec'. See
-- docs/api-compatibility.md, "Two answers, two shapes".
ALTER TABLE companies ADD COLUMN wire_shapes VARCHAR(8) NOT NULL DEFAULT 'docs';
