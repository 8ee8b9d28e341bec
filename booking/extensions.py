"""Flask extensions, created unbound and initialised in the application factory."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

#: Named constraints keep migrations the same on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))

if TYPE_CHECKING:
    from sqlalchemy.orm import DeclarativeBase

    # A type checker cannot use an attribute (db.Model) as a base class, so it is shown a
    # declarative base of the same kind; at run time the models subclass db.Model itself.
    class Model(DeclarativeBase):
        """The base class of every model."""

else:
    Model = db.Model

migrate = Migrate(render_as_batch=True, compare_type=True)
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
