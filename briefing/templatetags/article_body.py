from django import template

from ..markup import render_body

register = template.Library()

register.filter("article_body", render_body)
