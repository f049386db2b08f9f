from django import template

from ..rendering import without_full_stop

register = template.Library()

register.filter(without_full_stop)
