"""Initial results schema: experiment, point, run, metric, period_metric, grade_metric.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 07:05:45.460260
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('experiment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('command', sa.Text(), nullable=False),
    sa.Column('scenario', sa.String(length=200), nullable=False),
    sa.Column('scenario_config', sa.JSON(), nullable=False),
    sa.Column('jurisdictions', sa.JSON(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('seed', sa.String(length=80), nullable=False),
    sa.Column('replications', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('credsup_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('wall_seconds', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment'))
    )
    op.create_table('point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_point_experiment_id_experiment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point')),
    sa.UniqueConstraint('experiment_id', 'index', name=op.f('uq_point_experiment_id_index'))
    )
    with op.batch_alter_table('point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_experiment_id'), ['experiment_id'], unique=False)

    op.create_table('run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('point', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=100), nullable=False),
    sa.Column('replication', sa.Integer(), nullable=False),
    sa.Column('seed_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('wall_seconds', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_run_experiment_id_experiment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run')),
    sa.UniqueConstraint('experiment_id', 'point', 'jurisdiction', 'replication', name=op.f('uq_run_experiment_id_point_jurisdiction_replication'))
    )
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_experiment_id'), ['experiment_id'], unique=False)

    op.create_table('grade_metric',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['run.id'], name=op.f('fk_grade_metric_run_id_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_metric'))
    )
    with op.batch_alter_table('grade_metric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_metric_run_id'), ['run_id'], unique=False)

    op.create_table('metric',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['run.id'], name=op.f('fk_metric_run_id_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric'))
    )
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_run_id'), ['run_id'], unique=False)

    op.create_table('period_metric',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['run.id'], name=op.f('fk_period_metric_run_id_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_metric'))
    )
    with op.batch_alter_table('period_metric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_metric_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('period_metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_metric_run_id'))

    op.drop_table('period_metric')
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_run_id'))

    op.drop_table('metric')
    with op.batch_alter_table('grade_metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_metric_run_id'))

    op.drop_table('grade_metric')
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_experiment_id'))

    op.drop_table('run')
    with op.batch_alter_table('point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_experiment_id'))

    op.drop_table('point')
    op.drop_table('experiment')
