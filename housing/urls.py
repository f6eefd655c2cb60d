app_name = "housing"

urlpatterns = []
