CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 0001

CREATE TABLE experiment (
    id SERIAL NOT NULL, 
    kind VARCHAR(16) NOT NULL, 
    name VARCHAR(200) NOT NULL, 
    command TEXT NOT NULL, 
    scenario VARCHAR(200) NOT NULL, 
    scenario_config JSON NOT NULL, 
    jurisdictions JSON NOT NULL, 
    settings JSON NOT NULL, 
    seed VARCHAR(80) NOT NULL, 
    replications INTEGER NOT NULL, 
    status VARCHAR(16) NOT NULL, 
    error TEXT, 
    credsup_version VARCHAR(40) NOT NULL, 
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
    finished_at TIMESTAMP WITHOUT TIME ZONE, 
    wall_seconds FLOAT, 
    CONSTRAINT pk_experiment PRIMARY KEY (id)
);

CREATE TABLE point (
    id SERIAL NOT NULL, 
    experiment_id INTEGER NOT NULL, 
    index INTEGER NOT NULL, 
    parameters JSON NOT NULL, 
    CONSTRAINT pk_point PRIMARY KEY (id), 
    CONSTRAINT fk_point_experiment_id_experiment FOREIGN KEY(experiment_id) REFERENCES experiment (id) ON DELETE CASCADE, 
    CONSTRAINT uq_point_experiment_id_index UNIQUE (experiment_id, index)
);

CREATE INDEX ix_point_experiment_id ON point (experiment_id);

CREATE TABLE run (
    id SERIAL NOT NULL, 
    experiment_id INTEGER NOT NULL, 
    point INTEGER NOT NULL, 
    jurisdiction VARCHAR(100) NOT NULL, 
    replication INTEGER NOT NULL, 
    seed_key VARCHAR(200) NOT NULL, 
    status VARCHAR(16) NOT NULL, 
    error TEXT, 
    wall_seconds FLOAT, 
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
    CONSTRAINT pk_run PRIMARY KEY (id), 
    CONSTRAINT fk_run_experiment_id_experiment FOREIGN KEY(experiment_id) REFERENCES experiment (id) ON DELETE CASCADE, 
    CONSTRAINT uq_run_experiment_id_point_jurisdiction_replication UNIQUE (experiment_id, point, jurisdiction, replication)
);

CREATE INDEX ix_run_experiment_id ON run (experiment_id);

CREATE TABLE grade_metric (
    id BIGSERIAL NOT NULL, 
    run_id INTEGER NOT NULL, 
    grade VARCHAR(16) NOT NULL, 
    name VARCHAR(64) NOT NULL, 
    value FLOAT, 
    CONSTRAINT pk_grade_metric PRIMARY KEY (id), 
    CONSTRAINT fk_grade_metric_run_id_run FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);

CREATE INDEX ix_grade_metric_run_id ON grade_metric (run_id);

CREATE TABLE metric (
    id BIGSERIAL NOT NULL, 
    run_id INTEGER NOT NULL, 
    name VARCHAR(64) NOT NULL, 
    value FLOAT, 
    CONSTRAINT pk_metric PRIMARY KEY (id), 
    CONSTRAINT fk_metric_run_id_run FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);

CREATE INDEX ix_metric_run_id ON metric (run_id);

CREATE TABLE period_metric (
    id BIGSERIAL NOT NULL, 
    run_id INTEGER NOT NULL, 
    period INTEGER NOT NULL, 
    start DATE, 
    name VARCHAR(64) NOT NULL, 
    value FLOAT, 
    CONSTRAINT pk_period_metric PRIMARY KEY (id), 
    CONSTRAINT fk_period_metric_run_id_run FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);

CREATE INDEX ix_period_metric_run_id ON period_metric (run_id);

INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;

