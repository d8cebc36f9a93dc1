from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<int:pk>/commentaires/", views.post_comment, name="post"),
    path("articles/<int:pk>/commenter/", views.write_comment, name="write"),
    path("commentaires/jetons/", views.form_tokens, name="tokens"),
    path("commentaires/<int:pk>/signaler/", views.report_comment, name="report"),
    path("commentaires/suivi/<str:token>/", views.comment_status, name="status"),
]
